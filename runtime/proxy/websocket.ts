/**
 * A WebSocket upgrade to a proxied service (docs/proxy-hooks.md): the client's socket is accepted
 * here and joined to one this server opens to the upstream (same path, query, end-to-end headers
 * and subprotocols); messages go both ways as they come, and a close on either side closes the
 * other. Hooks do not see WebSocket traffic.
 */
import type { ServerSocket, Upgrade } from "../adapter/types.ts";
import { ServerError } from "../errors.ts";
import { forwardedHeaders } from "../protocol/forwarding.ts";
import type { Upstream } from "./upstreams.ts";

type Data = string | Uint8Array<ArrayBuffer>;

/** Handshake headers the upstream connection makes for itself. */
const HANDSHAKE = [
  "sec-websocket-key",
  "sec-websocket-version",
  "sec-websocket-extensions",
  "sec-websocket-protocol",
];

/** A client's `close()` takes only 1000 and 3000-4999; anything else closes normally. */
const closable = (code: number) => code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000;

export function passWebSocket(
  request: Request,
  upgrade: Upgrade,
  upstream: Upstream,
  clientIp: string,
  originalHost: string,
): Response {
  const url = new URL(request.url);
  const target = new URL(url.pathname + url.search, upstream.origin.replace(/^http/, "ws"));
  const protocols = request.headers.get("sec-websocket-protocol")?.split(",")
    .map((p) => p.trim()).filter((p) => p !== "") ?? [];
  const headers = forwardedHeaders(request, clientIp, originalHost);
  for (const name of HANDSHAKE) headers.delete(name);

  let client: ServerSocket | null = null;
  let clientClosed = false;
  const toUpstream: Data[] = [];
  const toClient: Data[] = [];
  // Both runtimes take handshake headers as a second argument (non-standard, as Deno documents).
  const remote = new WebSocket(target, { protocols, headers } as unknown as string[]);
  remote.binaryType = "arraybuffer";
  remote.onopen = () => {
    for (const data of toUpstream.splice(0)) remote.send(data);
  };
  remote.onmessage = ({ data }) => {
    const value: Data = typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer);
    if (client) client.send(value);
    else toClient.push(value);
  };
  remote.onclose = ({ code, reason }) => {
    if (!clientClosed) client?.close(code === 1005 || code === 1006 ? 1011 : code, reason);
  };
  // An error is followed by a close event, which closes the client's side.
  remote.onerror = () => {};

  const response = upgrade(request, {
    open(socket) {
      client = socket;
      for (const data of toClient.splice(0)) socket.send(data);
      if (remote.readyState === WebSocket.CLOSED) socket.close(1011, "the upstream closed");
    },
    message(data) {
      if (remote.readyState === WebSocket.OPEN) remote.send(data);
      else if (remote.readyState === WebSocket.CONNECTING) toUpstream.push(data);
    },
    close(code, reason) {
      clientClosed = true;
      if (remote.readyState <= WebSocket.OPEN) remote.close(closable(code), reason);
    },
  });
  if (!response) {
    remote.close();
    throw new ServerError("BAD_REQUEST", "Not a valid WebSocket upgrade request");
  }
  return response;
}
