/**
 * A request no hook takes, sent to its upstream as it came (docs/proxy-hooks.md): method, path,
 * query, headers and body, streamed; the answer streamed back with its status, headers and bytes.
 * node:http rather than fetch: Deno's fetch decodes a gzip or brotli body whatever the request
 * asked, and a proxy must hand the client the upstream's bytes.
 */
import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import { ServerError } from "../errors.ts";
import { NULL_BODY_STATUSES } from "../protocol/bytes.ts";
import { endToEndHeaders, forwardedHeaders } from "../protocol/forwarding.ts";
import type { Upstream } from "./upstreams.ts";

export function passThrough(
  request: Request,
  upstream: Upstream,
  clientIp: string,
  originalHost: string,
): Promise<Response> {
  const url = new URL(request.url);
  const headers = forwardedHeaders(request, clientIp, originalHost);
  const client = upstream.origin.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = client.request(
      {
        host: upstream.host,
        port: upstream.port,
        method: request.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries(headers),
      },
      (incoming) => {
        const received = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          for (const v of [value ?? []].flat()) received.append(name, v);
        }
        const status = incoming.statusCode ?? 502;
        const empty = request.method === "HEAD" || NULL_BODY_STATUSES.has(status);
        if (empty) incoming.resume();
        resolve(
          new Response(empty ? null : Readable.toWeb(incoming) as ReadableStream<Uint8Array>, {
            status,
            statusText: incoming.statusMessage,
            headers: endToEndHeaders(received),
          }),
        );
      },
    );
    outgoing.on("error", (error) =>
      reject(
        new ServerError(
          "UPSTREAM_UNREACHABLE",
          `The upstream ${upstream.name} (${upstream.origin}) did not answer: ${error.message}`,
          { cause: error },
        ),
      ));
    request.signal.addEventListener("abort", () => outgoing.destroy(), { once: true });
    if (request.body) {
      Readable.fromWeb(request.body as import("node:stream/web").ReadableStream).pipe(outgoing);
    } else outgoing.end();
  });
}
