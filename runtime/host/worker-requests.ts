import type { ServerSocket } from "../adapter/types.ts";
import { ServerError } from "../errors.ts";
import { bytesOf } from "../protocol/bytes.ts";
import { toWire } from "../protocol/request-wire.ts";
import type {
  Body,
  ConsoleText,
  ErrorInfo,
  FetchInfo,
  FromWorker,
  ResponseInfo,
  SharedPatch,
  ToWorker,
} from "../protocol/messages.ts";
import type { Deadlines } from "./deadlines.ts";
import type { Host } from "./hosts.ts";
import { createInboundStream } from "./inbound-stream.ts";
import { RESTART_CLOSE_CODE, type RunOutcome, type SocketLink } from "./pool-api.ts";
import { type Job, NO_TIMER, type Pending, type WorkerRecord } from "./worker-record.ts";

const PING_GRACE_MS = 250;
/** A cancelled stream whose Worker never says it stopped is let go after this. */
const CANCEL_GRACE_MS = 5_000;

export interface WorkerRequestsOptions {
  deadlines: Deadlines;
  /** Whether `terminate()` stops a Worker busy in a loop (Bun); else its whole host must go. */
  terminateStopsLoops: boolean;
  deliver(worker: WorkerRecord, message: ToWorker, body?: Body | null): void;
  terminate(worker: WorkerRecord): void;
  /** The Worker ended on its own: forget it, and fail what it held with this reason. */
  gone(worker: WorkerRecord, reason: string): void;
  condemn(host: Host, reason: string): void;
  /**
   * A request of this Worker is settled (answered, failed or its stream ended); `cpuMs`: what it
   * took of the Worker's thread, where the Worker says (serverless on Bun), else null.
   */
  onSettled(worker: WorkerRecord, cpuMs: number | null): void;
  /**
   * A request of this Worker passed its `@timeout`; `busy`: the Worker did not answer a ping
   * either (its thread is computing, not waiting).
   */
  onExpired(worker: WorkerRecord, busy: boolean): void;
  /** A serverless Worker has booted. */
  onReady(worker: WorkerRecord): void;
  onPatch(patch: SharedPatch): void;
  onConsole(worker: WorkerRecord, text: ConsoleText): void;
  onFetch(request: FetchInfo, body: Body | null): Promise<RunOutcome>;
  log(line: string): void;
}

export interface WorkerRequests {
  /**
   * Sends a request to its Worker; its `@timeout` runs from here. `waited`: the job waited in the
   * serverless queue for its Worker (messages.ts, `run`).
   */
  start(worker: WorkerRecord, job: Job, waited?: boolean): void;
  /** A message from the Worker (over its socket, or relayed by its host). */
  receive(worker: WorkerRecord, message: FromWorker, body: Body | null): void;
  /** The Worker is gone: every request it holds fails with this reason, its sockets close. */
  abandon(worker: WorkerRecord, reason: string): void;
  closeSockets(worker: WorkerRecord, reason: string): void;
}

/** The conversation with one Worker: runs go out with their deadlines, its messages settle them. */
export function createWorkerRequests(options: WorkerRequestsOptions): WorkerRequests {
  const { deadlines, deliver } = options;
  let nonce = 0;

  function start(worker: WorkerRecord, job: Job, waited = false): void {
    const { request, timeoutMs, upgrade } = job;
    const answer = !upgrade ? job.resolve : (outcome: RunOutcome) =>
      job.resolve(
        outcome.response.status === 101
          ? { ...outcome, attach: (sink) => attachSocket(worker, upgrade, sink) }
          : outcome,
      );
    const pending: Pending = {
      resolve: answer,
      reject: job.reject,
      stopTimer: NO_TIMER,
      inbound: null,
    };
    const id = worker.pending.add(pending);
    if (timeoutMs > 0) {
      pending.stopTimer = deadlines.add(timeoutMs, () => {
        void expire(worker, id);
        job.reject(
          new ServerError(
            "SCRIPT_TIMEOUT",
            `${request.scriptPath} did not answer within its @timeout of ${timeoutMs} ms`,
          ),
        );
      });
    }
    worker.lastUsed = performance.now();
    const wire = toWire(request);
    deliver(
      worker,
      upgrade
        ? { t: "run", id, request: wire, upgrade }
        : waited
        ? { t: "run", id, request: wire, waited }
        : { t: "run", id, request: wire },
      job.body,
    );
  }

  function receive(worker: WorkerRecord, message: FromWorker, body: Body | null): void {
    switch (message.t) {
      case "result":
        return settle(
          worker,
          message.id,
          (p) => p.resolve({ response: message.response, body }),
          message.cpuMs,
        );
      case "error":
        return settle(
          worker,
          message.id,
          (p) => fail(p, fromErrorInfo(message.error)),
          message.cpuMs,
        );
      case "head":
        return startStream(worker, message.id, message.response);
      case "chunk":
        if (body) worker.pending.get(message.id)?.inbound?.push(bytesOf(body));
        return;
      case "end":
        return settle(worker, message.id, (p) => {
          if (message.error) {
            const error = fromErrorInfo(message.error);
            options.log(`${worker.unit?.main.file}: its stream broke off: ${error.message}`);
            p.inbound?.end(error);
          } else p.inbound?.end();
        });
      case "ws-send":
        for (const conn of message.conns) worker.sockets.get(conn)?.send(body ?? "");
        return;
      case "ws-close":
        worker.sockets.get(message.conn)?.close(message.code, message.reason);
        return;
      case "shared-patch":
        return options.onPatch(message.patch);
      case "console":
        // The Worker sends the file's lines as text (ConsoleText).
        return options.onConsole(worker, {
          file: typeof body === "string" ? body : null,
          out: message.out,
          err: message.err,
        });
      case "fetch":
        void options.onFetch(message.request, body).then((outcome) =>
          deliver(
            worker,
            { t: "fetch-result", id: message.id, response: outcome.response },
            outcome.body,
          )
        );
        return;
      case "pong":
        worker.pongs.get(message.nonce)?.();
        return;
      case "exit":
        // Deno ends a Worker that exits without telling anyone: this message is how we know.
        return options.gone(worker, `the script called process.exit(${message.code})`);
      case "ready":
        worker.booted = true;
        return options.onReady(worker);
      case "hello":
        return;
      default:
        return message satisfies never;
    }
  }

  /** A request that already streams fails by breaking its body off; others answer the error. */
  function fail(pending: Pending, error: ServerError): void {
    if (pending.inbound) pending.inbound.end(error);
    else pending.reject(error);
  }

  /** The head of a streamed response: the request answers now, and stays pending until `end`. */
  function startStream(worker: WorkerRecord, id: number, response: ResponseInfo): void {
    const pending = worker.pending.get(id);
    // Its request timed out meanwhile: nobody reads this stream.
    if (!pending) return deliver(worker, { t: "cancel", id });
    if (pending.inbound) return;
    // @timeout covers a request until its head: a stream may then run as long as it is read.
    pending.stopTimer();
    pending.stopTimer = NO_TIMER;
    pending.inbound = createInboundStream(
      (bytes) => !worker.gone && deliver(worker, { t: "ack", id, bytes }),
      () => {
        if (worker.gone) return;
        deliver(worker, { t: "cancel", id });
        const grace = setTimeout(() => settle(worker, id, () => {}), CANCEL_GRACE_MS);
        pending.stopTimer = () => clearTimeout(grace);
      },
    );
    pending.resolve({ response, body: null, stream: pending.inbound.stream });
  }

  function settle(
    worker: WorkerRecord,
    id: number,
    done: (p: Pending) => void,
    cpuMs?: number,
  ): void {
    const pending = worker.pending.get(id);
    if (!pending) return;
    worker.pending.delete(id);
    pending.stopTimer();
    done(pending);
    options.onSettled(worker, cpuMs ?? null);
  }

  /** Past its deadline: a Worker that still answers a ping was only waiting, and keeps running. */
  async function expire(worker: WorkerRecord, id: number): Promise<void> {
    worker.pending.delete(id);
    const alive = await ping(worker);
    options.onExpired(worker, !alive);
    if (alive && !worker.ephemeral) return;
    options.terminate(worker);
    if (!alive && !options.terminateStopsLoops) {
      options.condemn(worker.host, `a Worker of ${worker.unit?.main.file} is stuck in a loop`);
    }
  }

  function ping(worker: WorkerRecord): Promise<boolean> {
    nonce += 1;
    const n = nonce;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        worker.pongs.delete(n);
        resolve(false);
      }, PING_GRACE_MS);
      worker.pongs.set(n, () => {
        clearTimeout(timer);
        worker.pongs.delete(n);
        resolve(true);
      });
      deliver(worker, { t: "ping", nonce: n });
    });
  }

  function abandon(worker: WorkerRecord, reason: string): void {
    for (const pending of worker.pending.values()) {
      pending.stopTimer();
      fail(
        pending,
        new ServerError(
          "SCRIPT_CRASHED",
          `The script's Worker is gone: ${reason}. Retry the request.`,
        ),
      );
    }
    worker.pending.clear();
    closeSockets(worker, "the script restarted; reconnect");
  }

  function closeSockets(worker: WorkerRecord, reason: string): void {
    const sinks = [...worker.sockets.values()];
    worker.sockets.clear();
    for (const sink of sinks) sink.close(RESTART_CLOSE_CODE, reason);
  }

  function attachSocket(worker: WorkerRecord, conn: string, sink: ServerSocket): SocketLink {
    if (worker.gone) {
      return {
        open: () => sink.close(RESTART_CLOSE_CODE, "the script restarted; reconnect"),
        message: () => {},
        closed: () => {},
      };
    }
    worker.sockets.set(conn, sink);
    return {
      open: () => deliver(worker, { t: "ws-open", conn }),
      message(data) {
        worker.lastUsed = performance.now();
        deliver(worker, { t: "ws-message", conn }, data);
      },
      closed(code, reason) {
        if (worker.sockets.delete(conn) && !worker.gone) {
          deliver(worker, { t: "ws-closed", conn, code, reason });
        }
      },
    };
  }

  return { start, receive, abandon, closeSockets };
}

function fromErrorInfo(info: ErrorInfo): ServerError {
  const details: Record<string, unknown> = {};
  if (info.file) details.script = info.file;
  if (info.line) details.line = info.line;
  if (info.column) details.column = info.column;
  if (info.stack) details.stack = info.stack;
  return new ServerError(info.code, info.message, { details });
}
