import type { ServerError } from "../errors.ts";
import type { Body, Bytes, RequestInfo, ToWorker, Unit } from "../protocol/messages.ts";
import type { Host, WorkerLink } from "./hosts.ts";
import type { InboundStream } from "./inbound-stream.ts";
import type { ServerSocket } from "../adapter/types.ts";
import type { RunOutcome } from "./pool-api.ts";
import type { Slots } from "../slots.ts";

/** One Web Worker as the server sees it: where it runs, how to reach it, what it is doing. */
export interface WorkerRecord {
  id: string;
  /** The one-time token it proves when it connects (worker mode). */
  token: string;
  host: Host;
  link: WorkerLink | null;
  /** Messages written before the Worker connected, sent in order once it does. */
  outbox: [ToWorker, Body | null][];
  unit: Unit | null;
  /** A worker-mode Worker's script, `instance:file`; "" for serverless. */
  name: string;
  /** Serverless: it serves one request and is terminated. */
  ephemeral: boolean;
  /** Serverless: once answered, prepare a warm Worker with the same script. */
  warmAfter: boolean;
  /** Its requests sent and not yet settled, by the id the Worker answers with. */
  pending: Slots<Pending>;
  pongs: Map<number, () => void>;
  gone: boolean;
  /** Serverless: it said it has booted (see `ready`). */
  booted: boolean;
  /** When it last got a request (worker-mode eviction picks the oldest). */
  lastUsed: number;
  /** The client sockets this Worker's script serves, by connection id. */
  sockets: Map<string, ServerSocket>;
}

/** A request sent to a Worker and not yet settled. */
export interface Pending {
  resolve(outcome: RunOutcome): void;
  reject(error: ServerError): void;
  /** Stops its deadline (or its cancel grace): the request is settled or streaming. */
  stopTimer: () => void;
  /** Set once the Worker sent a head: the request is then streaming until `end`. */
  inbound: InboundStream | null;
}

/** A request on its way to a Worker (it may wait for a serverless one first). */
export interface Job {
  unit: Unit;
  request: RequestInfo;
  body: Bytes | null;
  timeoutMs: number;
  upgrade: string | undefined;
  resolve(outcome: RunOutcome): void;
  reject(error: ServerError): void;
  /** Ends its wait in the queue (it got a Worker). */
  stopWaiting: () => void;
}

export const NO_TIMER = (): void => {};
