import http from "node:http";
import { after, before } from "node:test";
import { type RunningHoodyExec, serve } from "../../runtime/serve.ts";
import type { ServeConfig } from "../../runtime/server/config.ts";
import type { PipelineHooks } from "../../runtime/server/pipeline.ts";
import { loadManagement } from "../../management/load.ts";
import { NULL_BODY_STATUSES } from "../../runtime/protocol/bytes.ts";
import { type Body, callWith, json } from "./management-calls.ts";
import { type ScriptsDir, tmpScripts } from "./scripts-dir.ts";
import { createTestLog, type TestLog } from "./server-log.ts";

/**
 * A real server on a random loopback port, serving `root`, with the management API. It logs to
 * `log` (a fresh TestLog unless given): an error logged there fails the running test.
 */
export async function startServer(
  root: string,
  options: ServeConfig = {},
  log: TestLog = createTestLog(),
  hooks: PipelineHooks = {},
): Promise<RunningHoodyExec> {
  return await serve({ root, port: 0, quiet: true, ...options }, {
    management: loadManagement,
    log,
    hooks,
  });
}

/**
 * A scripts root written from `files` (`{ "1/hello.ts": "return 1;" }`) and a server on it. Disposing
 * it stops the server, then removes the root.
 */
export interface TestServer extends AsyncDisposable {
  readonly port: number;
  readonly url: string;
  /** The scripts root: `write` and `remove` change it while the server runs. */
  readonly dir: ScriptsDir;
  readonly running: RunningHoodyExec;
  /** What the server logged; `log.expectError(pattern)` declares an error the test expects. */
  readonly log: TestLog;
}

/** A scripts root's files, or a function that makes them once it knows the root's path. */
export type Files = Record<string, string> | ((root: string) => Record<string, string>);

/** For one test: `await using server = await withServer({ "1/hello.ts": "..." }, options)`. */
export async function withServer(files: Files, options: ServeConfig = {}): Promise<TestServer> {
  const dir = tmpScripts(typeof files === "function" ? {} : files);
  if (typeof files === "function") {
    for (const [path, content] of Object.entries(files(dir.root))) dir.write(path, content);
  }
  const log = createTestLog();
  try {
    const running = await startServer(dir.root, options, log);
    return {
      port: running.port,
      url: running.url,
      dir,
      running,
      log,
      async [Symbol.asyncDispose]() {
        try {
          await running.stop();
        } finally {
          await dir[Symbol.asyncDispose]();
        }
      },
    };
  } catch (error) {
    await dir[Symbol.asyncDispose]();
    throw error;
  }
}

/**
 * For every test of the enclosing `describe`: one server started in its `before` hook and disposed
 * in its `after` hook. Read its members inside tests only (they throw before the hook ran).
 */
export function suiteServer(files: Files, options: ServeConfig = {}): TestServer {
  let current: TestServer | undefined;
  before(async () => {
    current = await withServer(files, options);
  });
  after(async () => await current?.[Symbol.asyncDispose]());
  const started = () => {
    if (!current) throw new Error("suiteServer: the server starts in before(); use it in a test");
    return current;
  };
  return {
    get port() {
      return started().port;
    },
    get url() {
      return started().url;
    },
    get dir() {
      return started().dir;
    },
    get running() {
      return started().running;
    },
    get log() {
      return started().log;
    },
    [Symbol.asyncDispose]: async () => await current?.[Symbol.asyncDispose](),
  };
}

/**
 * Sends a real HTTP request to the server. `host` selects the instance as a Host header would:
 * node:http is used because Deno's fetch always sends the URL's own host.
 */
export function request(
  server: { readonly port: number },
  path: string,
  init: { method?: string; headers?: HeadersInit; body?: string | Uint8Array; host?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = Object.fromEntries(new Headers(init.headers));
  if (init.host) headers.host = init.host;
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      { host: "127.0.0.1", port: server.port, path, method: init.method ?? "GET", headers },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", () => {
          const status = incoming.statusCode ?? 0;
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(incoming.headers)) {
            for (const v of [value ?? []].flat()) responseHeaders.append(name, v);
          }
          const body = NULL_BODY_STATUSES.has(status)
            ? null
            : new Uint8Array(Buffer.concat(chunks));
          resolve(new Response(body, { status, headers: responseHeaders }));
        });
        incoming.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    if (init.body !== undefined) outgoing.write(init.body);
    outgoing.end();
  });
}

/** What a script answers, as one string to compare: `"200 hello"`. */
export async function answer(server: { readonly port: number }, path: string): Promise<string> {
  const response = await request(server, path);
  return `${response.status} ${await response.text()}`;
}

export { eventually } from "./eventually.ts";

/** A management API call (`/api/v1/exec` + `path`), JSON in and out. */
export async function managementCall(
  server: { readonly port: number },
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Body }> {
  const response = await callWith((to, init) => request(server, to, init), method, path, body);
  return { status: response.status, body: await json(response) };
}
