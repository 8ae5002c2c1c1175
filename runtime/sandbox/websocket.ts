import type { Body, FromWorker } from "../protocol/messages.ts";
import type {
  HoodyConnection as Connection,
  HoodyData as Data,
  HoodyUpgradeWebSocket,
  HoodyWebSocket,
} from "../../types/script.d.ts";
import type { Execution } from "./globals.ts";
import type { ScriptMetadata } from "./request.ts";
import { toOwnBytes } from "./response.ts";

interface Entry {
  conn: Connection;
  /** `conn.metadata`, as the sandbox's class (a handler's execution context holds this one). */
  metadata: ScriptMetadata;
  state: { readyState: number; rooms: Set<string> };
  /** An edge-style socket (`upgradeWebSocket`) gets the events instead of the hub's handlers. */
  edge: EdgeSocket | null;
}

type Post = (message: FromWorker, body?: Body | null) => void;

/** The Worker side of a `@websocket` script's connections: the hub, upgrades, server events. */
export interface Sockets {
  hub: HoodyWebSocket;
  /** An upgrade request is about to run: `upgradeWebSocket` in it refers to this connection. */
  expect(executionId: string, conn: string): void;
  /** The upgrade request ran: whether the connection is accepted (and is then prepared). */
  decide(executionId: string, metadata: ScriptMetadata | null, status: number): boolean;
  opened(conn: string): void;
  /** A message from the client: text as a string, binary as bytes. */
  received(conn: string, body: Body | null): void;
  closed(conn: string, code: number, reason: string): void;
  /** `upgradeWebSocket(request)` for edge-style scripts. */
  upgrade: HoodyUpgradeWebSocket;
}

/**
 * `markUpgrade` (reply.ts) comes from the caller: this module is a part of the sandbox bundle
 * loaded on first use, with its own copy of what it imports (compile/bundle.ts), and the mark must
 * be the one the caller's reply.ts reads.
 */
export function createSockets(
  post: Post,
  execution: Execution,
  scriptPath: string,
  markUpgrade: (response: Response) => Response,
): Sockets {
  const entries = new Map<string, Entry>();
  const connections = new Map<string, Connection>();
  const expected = new Map<string, { conn: string; edge: EdgeSocket | null }>();

  const send = (conns: string[], data: Data) => {
    if (conns.length === 0) return;
    post({ t: "ws-send", conns }, typeof data === "string" ? data : toOwnBytes(data));
  };

  /** Runs a handler with the connection as its context; a throw goes to `ws.error` or the log. */
  const call = (entry: Entry, fn: (() => unknown) | null, isError = false) => {
    if (!fn) return;
    const fail = (error: unknown) => {
      if (hub.error && !isError) call(entry, () => hub.error!(entry.conn, error), true);
      else console.error(`WebSocket ${entry.conn.id}:`, error);
    };
    const { metadata } = entry;
    const context = { executionId: entry.conn.id, scriptPath, host: metadata.hostname, metadata };
    try {
      const result = execution.run(context, fn);
      if (result instanceof Promise) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  };

  const hub: HoodyWebSocket = {
    open: null,
    message: null,
    close: null,
    error: null,
    connections,
    broadcast(data, options = {}) {
      const except = typeof options.except === "string" ? options.except : options.except?.id;
      const targets = options.room === undefined
        ? [...connections.values()]
        : hub.room(options.room);
      const ids = targets.filter((c) => c.id !== except && c.readyState === 1).map((c) => c.id);
      send(ids, data);
      return ids.length;
    },
    room(name) {
      const members: Connection[] = [];
      for (const entry of entries.values()) {
        if (entry.state.rooms.has(name) && entry.state.readyState === 1) members.push(entry.conn);
      }
      return members;
    },
  };

  const prepare = (id: string, metadata: ScriptMetadata, edge: EdgeSocket | null) => {
    const state = { readyState: 0, rooms: new Set<string>() };
    const conn: Connection = {
      id,
      metadata,
      data: {},
      rooms: state.rooms,
      get readyState() {
        return state.readyState;
      },
      send(data) {
        if (state.readyState === 1) send([id], data);
      },
      close(code = 1000, reason = "") {
        if (state.readyState > 1) return;
        state.readyState = 2;
        post({ t: "ws-close", conn: id, code, reason });
      },
      join: (room) => void state.rooms.add(room),
      leave: (room) => void state.rooms.delete(room),
    };
    const entry: Entry = { conn, metadata, state, edge };
    edge?.bind(conn, state);
    entries.set(id, entry);
  };

  return {
    hub,
    expect(executionId, conn) {
      expected.set(executionId, { conn, edge: null });
    },
    decide(executionId, metadata, status) {
      const wanted = expected.get(executionId);
      expected.delete(executionId);
      if (!wanted || !metadata) return false;
      const handled = hub.open || hub.message || hub.close;
      const accepted = wanted.edge ? status === 101 : Boolean(handled) && status < 400;
      if (accepted) prepare(wanted.conn, metadata, wanted.edge);
      return accepted;
    },
    opened(id) {
      const entry = entries.get(id);
      if (!entry || entry.state.readyState !== 0) return;
      entry.state.readyState = 1;
      connections.set(id, entry.conn);
      if (entry.edge) call(entry, () => entry.edge!.dispatch(new Event("open")));
      else call(entry, hub.open && (() => hub.open!(entry.conn)));
    },
    received(id, body) {
      const entry = entries.get(id);
      if (!entry || entry.state.readyState !== 1) return;
      const data = body ?? new Uint8Array(0);
      if (entry.edge) {
        const payload = typeof data === "string" ? data : data.buffer;
        call(entry, () => entry.edge!.dispatch(new MessageEvent("message", { data: payload })));
      } else call(entry, hub.message && (() => hub.message!(entry.conn, data)));
    },
    closed(id, code, reason) {
      const entry = entries.get(id);
      if (!entry) return;
      entries.delete(id);
      connections.delete(id);
      const wasOpen = entry.state.readyState > 0;
      entry.state.readyState = 3;
      if (!wasOpen) return;
      if (entry.edge) {
        const event = Object.assign(new Event("close"), { code, reason, wasClean: code !== 1006 });
        call(entry, () => entry.edge!.dispatch(event));
      } else call(entry, hub.close && (() => hub.close!(entry.conn, code, reason)));
    },
    upgrade(request) {
      const executionId = execution.current()?.executionId ?? "";
      const wanted = expected.get(executionId);
      if (!wanted) {
        throw new TypeError(
          "upgradeWebSocket: this request is not a WebSocket upgrade to a script with " +
            "// @mode worker and // @websocket true",
        );
      }
      wanted.edge ??= new EdgeSocket(request.url);
      const response = markUpgrade(new Response(null, { status: 200 }));
      return { socket: wanted.edge as unknown as WebSocket, response };
    },
  };
}

/** The `socket` of `upgradeWebSocket`: a web-standard WebSocket's surface over a server socket. */
class EdgeSocket extends EventTarget {
  onopen: ((event: Event) => unknown) | null = null;
  onmessage: ((event: MessageEvent) => unknown) | null = null;
  onclose: ((event: Event) => unknown) | null = null;
  onerror: ((event: Event) => unknown) | null = null;
  binaryType: "arraybuffer" | "blob" = "arraybuffer";
  readonly protocol = "";
  readonly extensions = "";
  #conn: Connection | null = null;
  #state: { readyState: number } = { readyState: 0 };
  constructor(readonly url: string) {
    super();
  }
  bind(conn: Connection, state: { readyState: number }): void {
    this.#conn = conn;
    this.#state = state;
  }
  get readyState(): number {
    return this.#state.readyState;
  }
  get bufferedAmount(): number {
    return 0;
  }
  send(data: Data): void {
    if (this.#state.readyState !== 1) {
      throw new DOMException("WebSocket is not open", "InvalidStateError");
    }
    this.#conn!.send(data);
  }
  close(code?: number, reason?: string): void {
    this.#conn?.close(code, reason);
  }
  dispatch(event: Event): unknown {
    const handler = this[`on${event.type}` as "onopen"];
    const result = handler?.call(this, event as MessageEvent);
    this.dispatchEvent(event);
    return result;
  }
}
