import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Adapter } from "../adapter/types.ts";
import { ServerError } from "../errors.ts";
import { createFrameReader, createFrameWriter } from "../protocol/frames.ts";
import type {
  Bytes,
  ErrorInfo,
  FetchInfo,
  FromHost,
  RequestInfo,
  ResponseInfo,
  SharedPatch,
  ToHost,
  Unit,
} from "../protocol/messages.ts";

export interface PoolOptions {
  adapter: Adapter;
  /** How many host processes share the work. */
  size: number;
  /** A host condemned for a stuck Worker gets this long to finish its other requests before it is killed. */
  drainMs: number;
  /** Applies a patch to the server's copy of `shared`, returning the snapshot hosts must start from. */
  onPatch(patch: SharedPatch): void;
  snapshot(instance: string): unknown;
  /** Runs a script's relative fetch through the server's own pipeline. */
  onFetch(request: FetchInfo, body: Bytes | null): Promise<RunOutcome>;
  log(line: string): void;
}

export interface RunOutcome {
  response: ResponseInfo;
  body: Bytes | null;
}

export interface HostPool {
  run(unit: Unit, request: RequestInfo, body: Bytes | null, timeoutMs: number): Promise<RunOutcome>;
  broadcast(patch: SharedPatch): void;
  /** Replaces every host process (their requests answer 502); resolves when the new ones are connected. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  resolve(outcome: RunOutcome): void;
  reject(error: ServerError): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface Host {
  process: ChildProcess;
  token: string;
  send: ((message: ToHost, body?: Bytes | null) => void) | null;
  connected: Promise<void>;
  onConnect(): void;
  pending: Map<number, Pending>;
  instances: Set<string>;
  units: Set<string>;
  condemned: boolean;
}

const HOST_ENTRY = new URL("./host-main.ts", import.meta.url).pathname;
const ENV_PASSED = ["PATH", "HOME", "LANG", "TMPDIR", "DENO_DIR", "XDG_CACHE_HOME", "NO_COLOR"];

/** Worker host processes (DESIGN.md "Threads and processes"): killable, env scrubbed, replaced when they die. */
export async function createHostPool(options: PoolOptions): Promise<HostPool> {
  const socketPath = join(
    tmpdir(),
    `hoody-exec-${process.pid}-${randomBytes(4).toString("hex")}.sock`,
  );
  const hosts: Host[] = [];
  const sticky = new Map<string, Host>();
  let nextId = 0;
  let closing = false;

  const server: Server = createServer((socket) => adopt(socket));
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));

  /** The first frame on a connection must carry a host's one-time token. */
  function adopt(socket: Socket): void {
    let host: Host | undefined;
    socket.on(
      "data",
      createFrameReader<FromHost>(({ message, body }) => {
        if (!host) {
          host = message.t === "hello"
            ? hosts.find((h) => !h.send && sameToken(h.token, message.token))
            : undefined;
          if (!host) return void socket.destroy();
          host.send = createFrameWriter(socket);
          host.onConnect();
          return;
        }
        onHostMessage(host, message, body);
      }),
    );
    socket.on("error", () => socket.destroy());
  }

  function spawnHost(): Host {
    const token = randomBytes(24).toString("hex");
    const env: Record<string, string> = {
      HOODY_EXEC_SOCKET: socketPath,
      HOODY_EXEC_HOST_TOKEN: token,
      HOODY_EXEC_TERMINATE_STOPS_LOOPS: options.adapter.terminateStopsLoops ? "1" : "0",
    };
    for (const name of ENV_PASSED) if (process.env[name]) env[name] = process.env[name]!;
    const { exec, args } = options.adapter.command(HOST_ENTRY);
    const child = spawn(exec, args, { env, stdio: ["ignore", "inherit", "inherit"] });
    let onConnect = () => {};
    const connected = new Promise<void>((resolve) => (onConnect = resolve));
    const host: Host = {
      process: child,
      token,
      send: null,
      connected,
      onConnect,
      pending: new Map(),
      instances: new Set(),
      units: new Set(),
      condemned: false,
    };
    child.on("exit", (code, signal) => onExit(host, code, signal));
    hosts.push(host);
    return host;
  }

  function onExit(host: Host, code: number | null, signal: string | null): void {
    hosts.splice(hosts.indexOf(host), 1);
    for (const [key, h] of sticky) if (h === host) sticky.delete(key);
    const reason = host.condemned
      ? "its host process was recycled"
      : `its host process exited (${signal ?? code})`;
    for (const pending of host.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(
        new ServerError(
          "SCRIPT_CRASHED",
          `The script's Worker is gone: ${reason}. Retry the request.`,
        ),
      );
    }
    host.pending.clear();
    if (closing) return;
    if (!host.condemned) {
      options.log(`worker host ${host.process.pid} exited (${signal ?? code}); starting a new one`);
    }
    if (live().length < options.size) spawnHost();
  }

  function onHostMessage(host: Host, message: FromHost, body: Bytes | null): void {
    switch (message.t) {
      case "result":
        return settle(host, message.id, (p) => p.resolve({ response: message.response, body }));
      case "error":
        return settle(host, message.id, (p) => p.reject(fromErrorInfo(message.error)));
      case "shared-patch":
        options.onPatch(message.patch);
        return;
      case "fetch":
        void options.onFetch(message.request, body).then(({ response, body }) =>
          host.send?.({ t: "fetch-result", id: message.id, response }, body)
        );
        return;
      case "condemned":
        return condemn(host, message.reason);
      case "hello":
        return;
    }
  }

  function settle(host: Host, id: number, done: (p: Pending) => void): void {
    const pending = host.pending.get(id);
    if (!pending) return;
    host.pending.delete(id);
    clearTimeout(pending.timer);
    done(pending);
    if (host.condemned && host.pending.size === 0) host.process.kill("SIGKILL");
  }

  /** A host with a Worker stuck in a loop takes no new work and is killed once drained (or after drainMs). */
  function condemn(host: Host, reason: string, replace = true): void {
    if (host.condemned) return;
    host.condemned = true;
    options.log(`recycling worker host ${host.process.pid}: ${reason}`);
    for (const [key, h] of sticky) if (h === host) sticky.delete(key);
    if (replace) spawnHost();
    if (host.pending.size === 0) host.process.kill("SIGKILL");
    else setTimeout(() => host.process.kill("SIGKILL"), options.drainMs).unref?.();
  }

  function live(): Host[] {
    return hosts.filter((h) => !h.condemned);
  }

  /** Worker-mode scripts stay on one host (their Worker lives there); serverless goes to the least busy. */
  function pick(unit: Unit): Host {
    const candidates = live();
    if (unit.mode === "worker") {
      const key = `${unit.instance}:${unit.main.file}`;
      const current = sticky.get(key);
      if (current && !current.condemned) return current;
      const chosen = candidates[hash(key) % candidates.length]!;
      sticky.set(key, chosen);
      return chosen;
    }
    return candidates.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  }

  for (let i = 0; i < options.size; i++) spawnHost();
  await Promise.all(hosts.map((h) => h.connected));

  return {
    async run(unit, request, body, timeoutMs) {
      const host = pick(unit);
      await host.connected;
      const send = host.send!;
      if (unit.mode === "worker" && !host.instances.has(unit.instance)) {
        host.instances.add(unit.instance);
        send({
          t: "shared-snapshot",
          instance: unit.instance,
          value: options.snapshot(unit.instance),
        });
      }
      nextId += 1;
      const id = nextId;
      return await new Promise<RunOutcome>((resolve, reject) => {
        const pending: Pending = { resolve, reject, timer: undefined };
        if (timeoutMs > 0) {
          pending.timer = setTimeout(() => {
            host.pending.delete(id);
            send({ t: "cancel", id });
            reject(
              new ServerError(
                "SCRIPT_TIMEOUT",
                `${request.scriptPath} did not answer within its @timeout of ${timeoutMs} ms`,
              ),
            );
          }, timeoutMs);
        }
        host.pending.set(id, pending);
        const fresh = !host.units.has(unit.key);
        if (fresh) host.units.add(unit.key);
        send({ t: "run", id, key: unit.key, unit: fresh ? unit : undefined, request }, body);
      });
    },
    broadcast(patch) {
      for (const host of hosts) {
        if (host.instances.has(patch.instance)) host.send?.({ t: "shared-patch", patch });
      }
    },
    async restart() {
      const old = [...hosts];
      const fresh = old.map(() => spawnHost());
      for (const host of old) condemn(host, "restart requested", false);
      await Promise.all(fresh.map((h) => h.connected));
    },
    async close() {
      closing = true;
      for (const host of hosts) host.process.kill("SIGKILL");
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(socketPath, { force: true });
    },
  };
}

function fromErrorInfo(info: ErrorInfo): ServerError {
  const details: Record<string, unknown> = {};
  if (info.file) details.script = info.file;
  if (info.line) details.line = info.line;
  if (info.column) details.column = info.column;
  if (info.stack) details.stack = info.stack;
  return new ServerError(info.code, info.message, { details });
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}
