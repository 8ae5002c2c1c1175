import { readFileSync } from "node:fs";
import { mkdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { writeFileAtomic } from "../fs.ts";
import { sha256Hex } from "../hex.ts";
import { createWorkerClient } from "../worker-client.ts";
import type { CompileReply, CompileRequest } from "./compile-worker.ts";
import type { ScriptShape } from "../protocol/messages.ts";
import { CACHE_KEEP_MS, markUsed, pruneCache } from "./cache-prune.ts";
import { type CompileFailure, NORMALISE_VERSION } from "./normalise.ts";

export type { CompileFailure };

/** From its package.json: the server never loads esbuild itself (that is 9 ms at start). */
const ESBUILD_VERSION: string = JSON.parse(
  readFileSync(fileURLToPath(import.meta.resolve("esbuild-wasm/package.json")), "utf8"),
).version;
/** Bump when the compiler's output changes in a way the other two tags do not capture. */
const COMPILER_VERSION = "4";
const CACHE_TAG = `hoody-compile@${COMPILER_VERSION} esbuild-wasm@${ESBUILD_VERSION} ` +
  `normalise@${NORMALISE_VERSION}`;
const SHAPES: readonly string[] = ["return", "commonjs", "esm", "edge"] satisfies ScriptShape[];

export interface CompiledModule {
  hash: string;
  /** Absolute path of the compiled `.mjs`. */
  path: string;
  /** `file:` URL of `path`, ready for `import()`. */
  url: string;
  shape: ScriptShape;
  /** Bare package names the module imports or requires statically. */
  imports: string[];
  /** It loads `process` (`node:process`) as a module. */
  importsProcess: boolean;
  /** None of its code can run once its call has returned (analyse.ts, `runsLater`). */
  runsWithinCall: boolean;
  transformations: string[];
  /** The module as a classic script, when it can be one (classic-script.ts); else null. */
  classic: string | null;
}

export type CompileResult = { ok: true; module: CompiledModule } | {
  ok: false;
  error: CompileFailure;
};

export interface CompilerOptions {
  /** Folder for `<hash>.mjs` and `<hash>.json`, e.g. `<scriptsRoot>/_hoody/cache`. */
  cacheDir: string;
}

export interface Compiler {
  /**
   * `filename` is the user's file (a relative path is resolved from the working folder). It picks
   * the loader by extension, names the file in source maps, is where relative imports and
   * `import.meta.url` point, and so is part of the cache key with `source`.
   */
  compile(source: string, filename: string): Promise<CompileResult>;
  /**
   * One of our own entries bundled into a module and its lazily loaded parts (bundle.ts), cached
   * on disk under `key` (which must change whenever any bundled file does). Resolves to the entry
   * module's `file:` URL.
   */
  bundle(entry: string, key: string): Promise<string>;
  /** Forgets the results held in memory. The disk cache stays: its entries are keyed by hash. */
  clear(): void;
  /**
   * Removes the disk cache's entries unused for `keepMs` (cache-prune.ts), never one this compiler
   * holds; compiles and bundles wait for it. Resolves to how many files went.
   */
  prune(keepMs?: number): Promise<number>;
  /** Terminates the compile Worker; later compiles reject. */
  close(): void;
}

interface CacheRecord {
  shape: ScriptShape;
  imports: string[];
  importsProcess: boolean;
  runsWithinCall: boolean;
  transformations: string[];
  classic: string | null;
}

/**
 * esbuild and the TypeScript parser, loaded in the compile Worker, are most of a server's memory
 * once it has compiled anything: ~100 MiB of RSS on Bun, ~240 MiB on Deno (a server started on a
 * warm cache, which never starts the Worker: 69 / 88 MiB). After this long without a compile the
 * Worker ends and gives that back; the next compile starts it again (0.8 s on Deno, 1.4 s on Bun,
 * measured beside a test run).
 */
const COMPILER_IDLE_MS = 5 * 60_000;

/** A compiler that caches by file and source in memory and on disk, compiling in one Worker. */
export function createCompiler(options: CompilerOptions): Compiler {
  const cacheDir = resolve(options.cacheDir);
  const results = new Map<string, Promise<CompileResult>>();
  // Started on the first miss, so disk hits never pay for it, and ended after a quiet spell.
  const worker = createWorkerClient<CompileRequest, CompileReply>({
    url: new URL("./compile-worker.ts", import.meta.url),
    name: "the compile Worker",
    idleMs: COMPILER_IDLE_MS,
  });
  /** The bundles this compiler has handed out: their files stay while it runs. */
  const bundles = new Set<string>();
  /** A prune under way: disk reads wait for it, so none finds an entry that is about to go. */
  let pruning: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function load(hash: string, source: string, filename: string): Promise<CompileResult> {
    await pruning;
    const path = join(cacheDir, `${hash}.mjs`);
    const cached = await readRecord(path, join(cacheDir, `${hash}.json`));
    if (cached) return { ok: true, module: toModule(hash, path, cached) };
    const reply = await worker.request({ kind: "compile", source, filename });
    if (reply.kind === "bundled") {
      throw new Error("the compile Worker answered a compile with a bundle");
    }
    if (reply.kind === "failed") return { ok: false, error: reply.error };
    if (reply.kind === "fault") throw new Error(`the script compiler failed: ${reply.message}`);
    const record: CacheRecord = {
      shape: reply.shape,
      imports: reply.imports,
      importsProcess: reply.importsProcess,
      runsWithinCall: reply.runsWithinCall,
      transformations: reply.transformations,
      classic: reply.classic,
    };
    // On every miss, not once: the folder may have been removed since (a cache clear).
    await mkdir(cacheDir, { recursive: true });
    await writeFileAtomic(path, reply.code);
    await writeFileAtomic(join(cacheDir, `${hash}.json`), JSON.stringify(record));
    return { ok: true, module: toModule(hash, path, record) };
  }

  return {
    async compile(source, filename) {
      if (closed) throw new Error("the compiler is closed: create a new one to compile again");
      const path = resolve(filename);
      const hash = await sha256Hex(`${CACHE_TAG}\0${path}\0${source}`);
      const known = results.get(hash);
      if (known) return known;
      const result = load(hash, source, path);
      results.set(hash, result);
      // A thrown compile (Worker crash, disk full) is not a property of the source: retry next time.
      result.catch(() => {
        if (results.get(hash) === result) results.delete(hash);
      });
      return result;
    },
    async bundle(entry, key) {
      const prefix = `bundle-${await sha256Hex(`${CACHE_TAG}\0${entry}\0${key}`)}`;
      bundles.add(prefix);
      await pruning;
      const path = join(cacheDir, `${prefix}.mjs`);
      const found = await stat(path).catch(() => null);
      if (found) markUsed(path, found.mtimeMs);
      else {
        const reply = await worker.request({ kind: "bundle", entry, prefix });
        if (reply.kind !== "bundled") {
          throw new Error(
            `bundling ${entry} failed: ${"message" in reply ? reply.message : reply.kind}`,
          );
        }
        await mkdir(cacheDir, { recursive: true });
        // The parts first: a bundle whose entry file exists has all of them.
        const { [`${prefix}.mjs`]: main, ...parts } = reply.files;
        for (const [name, code] of Object.entries(parts)) {
          await writeFileAtomic(join(cacheDir, name), code);
        }
        await writeFileAtomic(path, main!);
      }
      return pathToFileURL(path).href;
    },
    clear() {
      results.clear();
    },
    prune(keepMs = CACHE_KEEP_MS) {
      const run = pruneCache(cacheDir, {
        keepMs,
        inUse: (entry) => results.has(entry) || bundles.has(entry),
      });
      // A disk read never fails for a prune's sake (pruneCache does not reject; this is its guard).
      pruning = run.catch(() => 0);
      return run;
    },
    close() {
      closed = true;
      worker.close("the compiler was closed during the compile");
    },
  };
}

function toModule(hash: string, path: string, record: CacheRecord): CompiledModule {
  return { hash, path, url: pathToFileURL(path).href, ...record };
}

async function readRecord(
  modulePath: string,
  recordPath: string,
): Promise<CacheRecord | undefined> {
  try {
    const [text, module] = await Promise.all([readFile(recordPath, "utf8"), stat(modulePath)]);
    const record = JSON.parse(text) as Partial<CacheRecord>;
    const valid = typeof record.shape === "string" && SHAPES.includes(record.shape) &&
      Array.isArray(record.imports) && typeof record.importsProcess === "boolean" &&
      typeof record.runsWithinCall === "boolean" &&
      Array.isArray(record.transformations) &&
      (record.classic === null || typeof record.classic === "string");
    if (!valid) return undefined;
    markUsed(modulePath, module.mtimeMs);
    return record as CacheRecord;
  } catch {
    // Missing or unreadable cache files are a miss: the compile rewrites them.
    return undefined;
  }
}
