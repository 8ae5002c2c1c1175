import { ServerError } from "../errors.ts";

/**
 * The `@concurrent` gate (docs/scripts.md, Directive reference): at most `limit` running, the rest
 * wait in arrival order in a bounded queue; a full queue answers 429 at once, a wait past the
 * deadline 503, and a client that goes away leaves the queue without its script ever running.
 */
export interface Gate {
  enter(limit: number, waitMs: number, signal: AbortSignal): Promise<() => void>;
  readonly running: number;
  readonly waiting: number;
}

interface Waiter {
  admit(): void;
}

export function createGate(queueLimit: number): Gate {
  let running = 0;
  const queue: Waiter[] = [];
  let currentLimit = 1;

  const release = () => {
    running -= 1;
    while (running < currentLimit && queue.length > 0) {
      running += 1;
      queue.shift()!.admit();
    }
  };

  return {
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
    enter(limit, waitMs, signal) {
      currentLimit = limit;
      if (running < limit && queue.length === 0) {
        running += 1;
        return Promise.resolve(once(release));
      }
      if (queue.length >= queueLimit) {
        return Promise.reject(
          new ServerError(
            "QUEUE_FULL",
            `Too many requests waiting for this script (limit ${queueLimit}); retry shortly`,
            {
              headers: { "retry-after": "1" },
            },
          ),
        );
      }
      return new Promise((resolve, reject) => {
        const leave = () => {
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
          clearTimeout(timer);
          signal.removeEventListener("abort", onAbort);
        };
        const onAbort = () => {
          leave();
          reject(
            new ServerError("QUEUE_TIMEOUT", "The client went away while waiting for this script"),
          );
        };
        const waiter: Waiter = {
          admit() {
            leave();
            resolve(once(release));
          },
        };
        const timer = setTimeout(() => {
          leave();
          reject(
            new ServerError(
              "QUEUE_TIMEOUT",
              `Waited ${waitMs} ms for a free slot of this script; retry later`,
            ),
          );
        }, waitMs);
        signal.addEventListener("abort", onAbort);
        queue.push(waiter);
      });
    },
  };
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      fn();
    }
  };
}

/** A gated script's queue right now ("instance:path"). */
export interface GateDepth {
  key: string;
  running: number;
  waiting: number;
}

/** One gate per script (by key), made on its first capped request; `depths` reads them all. */
export interface Gates {
  (key: string): Gate;
  depths(): GateDepth[];
}

export function createGates(queueLimit: number): Gates {
  const gates = new Map<string, Gate>();
  const of = (key: string) => {
    let gate = gates.get(key);
    if (!gate) {
      gate = createGate(queueLimit);
      gates.set(key, gate);
    }
    return gate;
  };
  return Object.assign(of, {
    depths: () =>
      [...gates].map(([key, gate]) => ({ key, running: gate.running, waiting: gate.waiting })),
  });
}
