import http from "node:http";
import { type RunningHoodyExec, serve } from "../../runtime/serve.ts";
import type { ServeConfig } from "../../runtime/server/config.ts";
import { loadManagement } from "../../management/load.ts";

/** A real server on a random loopback port, serving `root`. */
export async function startServer(
  root: string,
  options: ServeConfig = {},
): Promise<RunningHoodyExec> {
  return await serve({ root, port: 0, quiet: true, ...options }, { management: loadManagement });
}

/**
 * Sends a real HTTP request to the server. `host` selects the instance as a Host header would:
 * node:http is used because Deno's fetch always sends the URL's own host.
 */
export function request(
  server: RunningHoodyExec,
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
          const body = [101, 204, 205, 304].includes(status)
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

/** Polls until `check` passes or `ms` run out: only for what is asynchronous by nature (a file watcher). */
export async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return await check();
}

/** A management API call (`/api/v1/exec` + `path`), JSON in and out. */
export async function managementCall(
  server: RunningHoodyExec,
  method: string,
  path: string,
  body?: unknown,
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; body: Record<string, any> }> {
  const response = await request(server, `/api/v1/exec${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}
