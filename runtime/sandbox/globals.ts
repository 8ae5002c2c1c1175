import { AsyncLocalStorage } from "node:async_hooks";
import { existsSync } from "node:fs";
import { createRequire, isBuiltin } from "node:module";
import { join } from "node:path";
import type { Bytes, FetchInfo, Unit } from "../protocol/messages.ts";

/** Sends a relative fetch to the server, which runs it through its own pipeline. */
export type FetchRelay = (request: FetchInfo, body: Bytes | null) => Promise<Response>;

/** Which request the code running right now belongs to, across awaits. */
export interface ExecutionContext {
  executionId: string;
  scriptPath: string;
  host: string;
}

export const execution = new AsyncLocalStorage<ExecutionContext>();

const LEVELS = ["log", "info", "warn", "error", "debug"] as const;

/**
 * Replaces the Worker's globals once: `console` tags each line with script and executionId,
 * `require` resolves packages from the scripts root only, and `fetch("/path")` calls this
 * instance through the server's own pipeline.
 */
export function installGlobals(unit: Unit, relay: FetchRelay): void {
  const original = globalThis.console;
  const tagged = Object.create(original) as Console;
  for (const level of LEVELS) {
    const write = original[level].bind(original);
    tagged[level] = (...args: unknown[]) => {
      const context = execution.getStore();
      const tag = context
        ? `[${context.scriptPath} ${context.executionId}]`
        : `[${unit.main.file}]`;
      write(tag, ...args);
    };
  }
  globalThis.console = tagged;

  const g = globalThis as Record<string, unknown>;
  g.require = createScriptRequire(unit);

  const nativeFetch = globalThis.fetch.bind(globalThis);
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    if (typeof input !== "string" || !input.startsWith("/") || input.startsWith("//")) {
      return await nativeFetch(input, init);
    }
    const request = new Request(unit.selfOrigin + input, init);
    const headers = new Headers(request.headers);
    headers.set("host", execution.getStore()?.host ?? new URL(unit.selfOrigin).host);
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : null;
    return await relay({ method: request.method, url: request.url, headers: [...headers] }, body);
  }) as typeof fetch;
}

/** Built-ins pass through; packages come from `<scriptsRoot>/node_modules`, never from the server's own. */
function createScriptRequire(unit: Unit): (specifier: string) => unknown {
  const fromScript = createRequire(unit.main.source);
  const modules = join(unit.scriptsRoot, "node_modules");
  return (specifier) => {
    if (isBuiltin(specifier) || specifier.startsWith("./") || specifier.startsWith("../")) {
      return fromScript(specifier);
    }
    const name = packageName(specifier);
    const folder = join(modules, name);
    if (!existsSync(folder)) {
      const error = new Error(
        `Cannot find package "${name}": it is not installed in the scripts root (${"node_modules"}). ` +
          `Install it there, e.g. \`npm install ${name}\` in the scripts folder.`,
      );
      (error as Error & { code: string }).code = "MODULE_NOT_FOUND";
      throw error;
    }
    return createRequire(join(folder, "package.json"))(specifier);
  };
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}
