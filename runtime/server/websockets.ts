import type { ServerSocket, SocketLimits, Upgrade } from "../adapter/types.ts";
import { ServerError } from "../errors.ts";
import type { SocketLink } from "../host/pool-api.ts";
import { allowedOrigin } from "./cors.ts";
import { headerOf } from "../protocol/header-pairs.ts";
import type { Script } from "./scripts.ts";
import { createSocketMetrics, type SocketMetrics } from "./websocket-metrics.ts";

export interface WebSocketOptions extends SocketLimits {
  /** Open WebSockets per instance; an upgrade beyond answers 503. */
  maxConnections: number;
}

/** An admitted upgrade: it holds a place under the instance's cap until its socket closes. */
export interface Ticket {
  readonly conn: string;
  release(): void;
}

/** The server side of WebSockets: who may upgrade, the per-instance cap, the sockets, metrics. */
export interface WebSockets {
  readonly metrics: SocketMetrics;
  /** The rules, before any Worker work: 400 (directives), 403 (@cors origin), 503 (cap). */
  admit(instance: string, script: Script, request: Request): Ticket;
  /** The script accepted: upgrade the client's connection and join it to the Worker. */
  open(
    ticket: Ticket,
    request: Request,
    upgrade: Upgrade,
    scriptKey: string,
    attach: (socket: ServerSocket) => SocketLink,
  ): Response;
}

/** `headers`: the request's, as pairs (request-info.ts). */
export function isWebSocketUpgrade(headers: readonly [string, string][]): boolean {
  return headerOf(headers, "upgrade")?.toLowerCase() === "websocket";
}

export function createWebSockets(options: WebSocketOptions): WebSockets {
  const metrics = createSocketMetrics();
  const counts = new Map<string, number>();

  return {
    metrics,
    admit(instance, script, request) {
      const d = script.directives;
      if (d.mode !== "worker" || !d.websocket) {
        const missing = d.mode !== "worker"
          ? "// @mode worker and // @websocket true"
          : "// @websocket true";
        throw new ServerError(
          "BAD_REQUEST",
          `${script.file} does not accept WebSockets: it needs ${missing}`,
        );
      }
      const origin = request.headers.get("origin");
      if (d.cors.kind !== "none" && origin !== null && allowedOrigin(d, origin) === null) {
        throw new ServerError(
          "FORBIDDEN",
          `${script.file} does not accept WebSockets from ${origin} (its @cors)`,
        );
      }
      const open = counts.get(instance) ?? 0;
      if (open >= options.maxConnections) {
        throw new ServerError(
          "UNAVAILABLE",
          `Instance ${instance} has ${open} WebSockets open, its limit; retry later`,
          { headers: { "retry-after": "5" } },
        );
      }
      counts.set(instance, open + 1);
      let held = true;
      return {
        conn: crypto.randomUUID(),
        release() {
          if (!held) return;
          held = false;
          counts.set(instance, (counts.get(instance) ?? 1) - 1);
        },
      };
    },
    open(ticket, request, upgrade, scriptKey, attach) {
      let socket: ServerSocket | null = null;
      /** A close the Worker asked for before the socket opened, applied when it does. */
      let early: [code?: number, reason?: string] | null = null;
      let openedAt = 0;
      const link = attach({
        send: (data) => socket?.send(data),
        close(code, reason) {
          if (socket) socket.close(code, reason);
          else early = [code, reason];
        },
      });
      const response = upgrade(request, {
        open(s) {
          socket = s;
          openedAt = Date.now();
          metrics.opened(scriptKey);
          if (early) return s.close(...early);
          link.open();
        },
        message: (data) => link.message(data),
        close(code, reason) {
          ticket.release();
          if (openedAt) metrics.closed(scriptKey, code, Date.now() - openedAt);
          link.closed(code, reason);
        },
      });
      if (!response) {
        ticket.release();
        link.closed(1006, "the upgrade failed");
        throw new ServerError("BAD_REQUEST", "Not a valid WebSocket upgrade request");
      }
      return response;
    },
  };
}
