import type { Bytes, FetchInfo, Unit } from "../protocol/messages.ts";
import { consoleLogged, execLine, humanLine } from "../protocol/log-line.ts";
import { CONSOLE_LEVELS, type ConsoleOutbox, formatArgs, redact } from "./console.ts";
import type { ScriptMetadata } from "./request.ts";
import { sse } from "./sse.ts";

/** Sends a relative fetch to the server, which runs it through its own pipeline. */
export type FetchRelay = (request: FetchInfo, body: Bytes | null) => Promise<Response>;

/** Which request the code running right now belongs to. */
export interface ExecutionContext {
  executionId: string;
  scriptPath: string;
  host: string;
  /** Set once the request is parsed: the global `request` reads it. */
  metadata: ScriptMetadata | null;
  /** The request's credentials: redacted from its console lines (console.ts `secretsOf`). */
  secrets?: readonly string[];
}

/** Runs a request's code with its context, and tells which context is running. */
export interface Execution {
  run<T>(context: ExecutionContext, fn: () => T): T;
  current(): ExecutionContext | undefined;
}

/**
 * Which request the script's code runs for. `run` wraps each call of a script. A worker-mode
 * Worker serves many requests at once, and a script that awaits (or schedules code for later)
 * interleaves them: `tracked`, each is followed across awaits with AsyncLocalStorage. Otherwise a
 * variable set around each call is enough: a serverless Worker serves one request, and a script
 * whose code all runs within its call (compile/analyse.ts) cannot interleave. That saves a Deno
 * Worker ~5 µs a request (the context AsyncLocalStorage enters makes the rest of the request pay;
 * docs/operations.md, Where the time goes) and node:async_hooks' boot milliseconds.
 */
export async function createExecution(tracked: boolean): Promise<Execution> {
  if (tracked) {
    const { AsyncLocalStorage } = await import("node:async_hooks");
    const storage = new AsyncLocalStorage<ExecutionContext>();
    return { run: (context, fn) => storage.run(context, fn), current: () => storage.getStore() };
  }
  let current: ExecutionContext | undefined;
  return {
    run(context, fn) {
      current = context;
      return fn();
    },
    current: () => current,
  };
}

/**
 * Replaces the Worker's globals once: `console` sends each line to the server with its script and
 * executionId (`print`), as far as the script's `@log-level` and the server's echo want it,
 * `require` resolves packages from the scripts root only, and `fetch("/path")` calls this
 * instance through the server's own pipeline.
 */
export async function installGlobals(
  unit: Unit,
  execution: Execution,
  relay: FetchRelay,
  print: ConsoleOutbox["push"],
): Promise<void> {
  const captured = Object.create(globalThis.console) as Console;
  for (const level of CONSOLE_LEVELS) {
    const kept = consoleLogged(unit.logLevel, level);
    if (!kept && !unit.echo) {
      captured[level] = () => {};
      continue;
    }
    captured[level] = (...args: unknown[]) => {
      const context = execution.current();
      const executionId = context?.executionId ?? null;
      const script = context?.scriptPath ?? unit.main.file;
      const text = redact(formatArgs(args), context?.secrets);
      print(
        kept ? execLine(Date.now(), level, script, executionId, text) : null,
        unit.echo ? humanLine(script, executionId, text) : null,
        level,
      );
    };
  }
  globalThis.console = captured;
  if ("Bun" in globalThis) typeStringResponses();
  (globalThis as Record<string, unknown>).sse = sse;
  // `request` (as `metadata.request`): the web-standard request of whichever request's code is
  // running.
  Object.defineProperty(globalThis, "request", {
    configurable: true,
    get: () => execution.current()?.metadata?.request,
  });
  // `hook` (as `metadata.hook`): set while a proxy hook's script runs (docs/proxy-hooks.md).
  Object.defineProperty(globalThis, "hook", {
    configurable: true,
    get: () => execution.current()?.metadata?.hook,
  });

  if (unit.main.usesRequire || unit.pre?.usesRequire || unit.post?.usesRequire) {
    const { createScriptRequire } = await import("./require.ts");
    (globalThis as Record<string, unknown>).require = await createScriptRequire(unit);
  }

  const nativeFetch = globalThis.fetch.bind(globalThis);
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    if (typeof input !== "string" || !input.startsWith("/") || input.startsWith("//")) {
      return await nativeFetch(input, init);
    }
    const request = new Request(unit.selfOrigin + input, init);
    const headers = new Headers(request.headers);
    headers.set("host", execution.current()?.host ?? new URL(unit.selfOrigin).host);
    const body = request.body ? new Uint8Array(await request.arrayBuffer()) : null;
    return await relay({ method: request.method, url: request.url, headers: [...headers] }, body);
  }) as typeof fetch;
}

/**
 * Bun leaves `new Response("text")` without the `text/plain;charset=UTF-8` the Fetch standard
 * gives a string body (Deno sets it), so the same script would answer differently on the two
 * runtimes. This Worker's `Response` adds it; `instanceof Response` still holds for every response,
 * fetch()'s included.
 */
function typeStringResponses(): void {
  const Native = globalThis.Response;
  globalThis.Response = class Response extends Native {
    constructor(body?: BodyInit | null, init?: ResponseInit) {
      super(body, init);
      if (typeof body === "string" && !this.headers.has("content-type")) {
        this.headers.set("content-type", "text/plain;charset=UTF-8");
      }
    }
    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof Native;
    }
  };
}
