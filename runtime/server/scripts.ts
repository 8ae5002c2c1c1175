import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { sha256Hex } from "../hex.ts";
import type { CompiledModule, CompileFailure, Compiler } from "../compile/compiler.ts";
import { ServerError } from "../errors.ts";
import type { ModuleRef } from "../protocol/messages.ts";
import type { Directives } from "../directives/spec.ts";
import type { DirectiveWarning } from "../directives/parse.ts";
import type { DirectiveStore } from "../directives/store.ts";

/** One script file as the server knows it: directives at once, the compiled module on first use. */
export interface Script {
  file: string;
  source: string;
  hash: string;
  directives: Directives;
  warnings: DirectiveWarning[];
  /** Compiles once (the compiler caches by content hash, on disk too). */
  module(): Promise<ModuleRef>;
}

export interface ScriptLoaderOptions {
  compiler: Compiler;
  directives: DirectiveStore;
  onWarnings(file: string, warnings: DirectiveWarning[]): void;
  /** Makes sure the packages a script imports are installed before it first runs. */
  ensurePackages(names: string[]): Promise<void>;
}

/** Reads and remembers scripts of one instance folder until the watcher says a file changed. */
export interface ScriptCache {
  get(file: string): Promise<Script>;
  /** The script if it is loaded already: the synchronous fast path for every request after the first. */
  peek(file: string): Script | undefined;
  invalidate(file: string): void;
  /** Drops what may be stale: each loaded script whose file now reads otherwise, and loads in flight. */
  recheck(): Promise<void>;
  clear(): void;
}

export function createScriptCache(dir: string, options: ScriptLoaderOptions): ScriptCache {
  const entries = new Map<string, Promise<Script>>();
  const loaded = new Map<string, Script>();
  const drop = (file: string) => {
    entries.delete(file);
    loaded.delete(file);
  };
  return {
    get(file) {
      let entry = entries.get(file);
      if (!entry) {
        const pending = loadScript(dir, file, options);
        entry = pending;
        entries.set(file, pending);
        pending.then(
          (script) => entries.get(file) === pending && loaded.set(file, script),
          () => {},
        );
        // A file that could not be read is tried again next time rather than remembered.
        entry.catch(() => entries.delete(file));
      }
      return entry;
    },
    peek(file) {
      return loaded.get(file);
    },
    invalidate: drop,
    async recheck() {
      for (const file of entries.keys()) if (!loaded.has(file)) entries.delete(file);
      await Promise.all([...loaded.values()].map(async (script) => {
        const now = await readFile(join(dir, script.file), "utf8").catch(() => null);
        if (now !== script.source && loaded.get(script.file) === script) drop(script.file);
      }));
    },
    clear() {
      entries.clear();
      loaded.clear();
    },
  };
}

async function loadScript(
  dir: string,
  file: string,
  options: ScriptLoaderOptions,
): Promise<Script> {
  const path = join(dir, file);
  let source: string;
  try {
    source = await readFile(path, "utf8");
  } catch (cause) {
    throw new ServerError("NOT_FOUND", `No script at ${file}`, { cause });
  }
  const { directives, warnings } = await options.directives.read(source);
  if (warnings.length > 0) options.onWarnings(file, warnings);
  let compiled: Promise<ModuleRef> | null = null;
  return {
    file,
    source,
    hash: (await sha256Hex(source)).slice(0, 16),
    directives,
    warnings,
    module() {
      if (!compiled) {
        const attempt = compile(options, source, file, path);
        compiled = attempt;
        // A failed install or compile is tried again on the next request, not remembered.
        attempt.catch(() => {
          if (compiled === attempt) compiled = null;
        });
      }
      return compiled;
    },
  };
}

async function compile(
  options: ScriptLoaderOptions,
  source: string,
  file: string,
  path: string,
): Promise<ModuleRef> {
  const result = await options.compiler.compile(source, path);
  if (!result.ok) throw compileError(file, result.error);
  const module: CompiledModule = result.module;
  await options.ensurePackages(module.imports);
  const usesRequire = module.shape === "commonjs" ||
    module.transformations.includes("bind-require");
  return {
    url: module.url,
    shape: module.shape,
    file,
    source: path,
    usesRequire,
    importsProcess: module.importsProcess,
    runsWithinCall: module.runsWithinCall,
    classic: module.classic,
  };
}

function compileError(file: string, error: CompileFailure): ServerError {
  return new ServerError(
    "COMPILE_ERROR",
    `${file}:${error.line}:${error.column}: ${error.message}`,
    {
      details: { script: file, line: error.line, column: error.column },
    },
  );
}
