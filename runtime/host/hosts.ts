import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomHex } from "../hex.ts";
import type { Adapter, ChildHandle } from "../adapter/types.ts";
import { listenUnix, type UnixSocket, type UnixSocketEvents } from "../adapter/unix-socket.ts";
import { createFrameReader, createFrameWriter } from "../protocol/frames.ts";
import { safeEqual } from "../safe-equal.ts";
import { startHost } from "./host-process.ts";
import type {
  Body,
  FromHost,
  FromWorker,
  HostSetup,
  Mode,
  SpawnWorker,
  ToHost,
  ToWorker,
} from "../protocol/messages.ts";

/** A Worker host process, as the server sees it. */
export interface Host {
  readonly pid: number;
  /**
   * The mode of the Workers it runs: the modes have hosts apart, so each process can be tuned for
   * its Workers and a runaway of one mode never costs the other its Workers.
   */
  readonly mode: Mode;
  /** Whether its runtime runs with a JIT: all but the light serverless hosts (adapter `jitlessServerless`). */
  readonly jit: boolean;
  readonly connected: Promise<void>;
  /** Whether it has connected (proved its token) yet: one that exits before it did never started. */
  hello: boolean;
  condemned: boolean;
  /** Why the server killed it, when it did (its requests say so). */
  killedFor: string | null;
  /** performance.now() at spawn. */
  readonly startedAt: number;
  send(message: ToHost, body?: Body | null): void;
  kill(): void;
}

/** A Worker's own connection, once it proved its one-time token. */
export interface WorkerLink {
  send(message: ToWorker, body?: Body | null): void;
}

export interface HostsOptions {
  adapter: Adapter;
  /**
   * Module every Worker starts from. A promise: a host's process boots meanwhile (on Deno ~13 ms,
   * the sandbox bundle's lookup ~8), and reads its setup, which names it, once it is up.
   */
  workerUrl: Promise<string>;
  scriptsRoot: string;
  /**
   * A worker-mode host process with a JIT started already (main.ts starts one as the process
   * starts): the first such host the pool asks for is this one.
   */
  firstHost?: ChildHandle;
  onHostExit(host: Host, reason: string): void;
  /** A frame from a host after its hello: messages of the Workers that speak through it. */
  onHostMessage(host: Host, message: FromHost, body: Body | null): void;
  /** A Worker connected with this id and token: return its message handler, or null to refuse it. */
  onWorker(
    workerId: string,
    token: string,
    link: WorkerLink,
  ): ((message: FromWorker, body: Body | null) => void) | null;
  onWorkerClosed(workerId: string): void;
}

export interface Hosts {
  spawn(mode: Mode, jit: boolean): Host;
  close(): Promise<void>;
}

/**
 * The spawn messages out of `queue`. They go first, ahead of the rest: that keeps each Worker's
 * spawn before anything sent about it, which is all the order the host needs.
 */
function takeSpawns(queue: [ToHost, Body | null][]): SpawnWorker[] {
  const spawns: SpawnWorker[] = [];
  for (let i = 0; i < queue.length;) {
    const [message] = queue[i]!;
    if (message.t !== "spawn") i += 1;
    else {
      spawns.push(message);
      queue.splice(i, 1);
    }
  }
  return spawns;
}

/**
 * Host processes and the unix socket everything connects back to. A host proves itself with a
 * token it read from its stdin; a Worker with a one-time token the server minted for it, so script
 * code cannot open a second connection.
 */
export function createHosts(options: HostsOptions): Hosts {
  const socketPath = join(
    tmpdir(),
    `hoody-exec-${process.pid}-${randomHex(4)}.sock`,
  );
  const waiting = new Map<
    string,
    { host: Host; accept(send: (message: ToHost, body?: Body | null) => void): void }
  >();
  const children = new Set<ChildHandle>();
  let firstHost = options.firstHost ?? null;

  const listener = listenUnix(socketPath, adopt);

  function adopt(socket: UnixSocket): UnixSocketEvents {
    let handler: ((message: FromWorker, body: Body | null) => void) | null = null;
    let workerId: string | null = null;
    return {
      data: createFrameReader<FromHost | FromWorker>(({ message, body }) => {
        if (handler) return handler(message as FromWorker, body);
        const send = createFrameWriter(socket);
        if (message.t === "hello" && "workerId" in message) {
          handler = options.onWorker(message.workerId, message.token, { send });
          if (handler) workerId = message.workerId;
        } else if (message.t === "hello") {
          const token = [...waiting.keys()].find((t) => safeEqual(t, message.token));
          const entry = token === undefined ? undefined : waiting.get(token);
          if (token !== undefined && entry) {
            waiting.delete(token);
            entry.accept(send);
            handler = (frame, frameBody) =>
              options.onHostMessage(entry.host, frame as unknown as FromHost, frameBody);
          }
        }
        if (!handler) socket.destroy();
      }),
      close: () => workerId && options.onWorkerClosed(workerId),
    };
  }

  return {
    spawn(mode, jit) {
      const token = randomHex(24);
      const started = mode === "worker" && jit ? firstHost : null;
      if (started) firstHost = null;
      const child = started ?? startHost(options.adapter, mode, jit);
      children.add(child);
      let send: ((message: ToHost, body?: Body | null) => void) | null = null;
      const queue: [ToHost, Body | null][] = [];
      let onConnect = () => {};
      const connected = new Promise<void>((resolve) => (onConnect = resolve));
      // The setup leaves once the Worker module is known, at the end of a turn, with the Workers
      // asked of the host meanwhile (the pool asks for its first ones as soon as this returns):
      // the host starts them while it connects, not after its hello. Traced Bun starts: the first
      // Worker's init came 5-10 ms after the first request's route was ready, now 1-2 ms. No
      // module: the server's start fails and closes the pool, which kills this host.
      options.workerUrl.then((workerUrl) => {
        const setup: HostSetup = {
          socketPath,
          token,
          workerUrl,
          scriptsRoot: options.scriptsRoot,
          mode,
          spawns: takeSpawns(queue),
        };
        child.setup(`${JSON.stringify(setup)}\n`);
      }, () => {});
      const host: Host = {
        pid: child.pid,
        mode,
        jit,
        connected,
        hello: false,
        condemned: false,
        killedFor: null,
        startedAt: performance.now(),
        send: (
          message,
          body = null,
        ) => (send ? send(message, body) : void queue.push([message, body])),
        kill: () => child.kill(),
      };
      waiting.set(token, {
        host,
        accept(s) {
          send = s;
          host.hello = true;
          for (const [message, body] of queue.splice(0)) s(message, body);
          onConnect();
        },
      });
      void child.exited.then((reason) => {
        children.delete(child);
        waiting.delete(token);
        options.onHostExit(host, reason);
      });
      return host;
    },
    async close() {
      firstHost?.kill();
      // Wait for every host to be gone, so none is left behind as a zombie.
      const exits = [...children].map((child) => child.exited);
      for (const child of children) child.kill();
      // Bounded: a stop never hangs on a process the kernel has not reaped yet.
      await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 2000))]);
      listener.close();
      rmSync(socketPath, { force: true });
    },
  };
}
