/**
 * The `@timeout` of every request in flight, on one timer instead of a timer per request (creating
 * and clearing one cost a worker-mode request microseconds). Requests with the same timeout expire
 * in the order they started, so one queue per timeout value is sorted by itself: adding and
 * cancelling are O(1), and the timer is set for the earliest head.
 */
export interface Deadlines {
  /** Calls `expire` after `timeoutMs` unless the returned cancel is called first. */
  add(timeoutMs: number, expire: () => void): () => void;
}

interface Entry {
  due: number;
  expire: (() => void) | null;
}

/** A queue of entries in due order; `head` skips the ones already gone. */
interface Queue {
  entries: Entry[];
  head: number;
  live: number;
}

export function createDeadlines(): Deadlines {
  const queues = new Map<number, Queue>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerDue = Infinity;

  const arm = () => {
    let earliest = Infinity;
    for (const queue of queues.values()) {
      const head = queue.entries[queue.head];
      if (head && head.due < earliest) earliest = head.due;
    }
    if (earliest === timerDue) return;
    clearTimeout(timer);
    timerDue = earliest;
    timer = earliest === Infinity
      ? undefined
      : setTimeout(fire, Math.max(0, earliest - performance.now()));
    // An idle server with requests far from their deadline keeps no process alive for it.
    (timer as { unref?: () => void } | undefined)?.unref?.();
  };

  const fire = () => {
    timerDue = Infinity;
    timer = undefined;
    const now = performance.now();
    const expired: (() => void)[] = [];
    for (const queue of queues.values()) {
      while (queue.head < queue.entries.length) {
        const entry = queue.entries[queue.head]!;
        if (entry.expire !== null && entry.due > now) break;
        if (entry.expire !== null) {
          expired.push(entry.expire);
          entry.expire = null;
          queue.live -= 1;
        }
        queue.head += 1;
      }
      settle(queue);
    }
    arm();
    for (const expire of expired) expire();
  };

  /**
   * Drops the gone entries at the front, compacts a queue mostly made of holes, empties one with
   * none left. An empty queue stays in the Map (one per distinct timeout): under load a queue
   * empties and fills again many times a second, and on V8 a Map whose entries come and go like
   * that keeps garbage alive (slots.ts).
   */
  const settle = (queue: Queue) => {
    const { entries } = queue;
    while (queue.head < entries.length && entries[queue.head]!.expire === null) queue.head += 1;
    if (queue.live === 0) {
      entries.length = 0;
      queue.head = 0;
      return;
    }
    if (queue.head > 1024 && queue.head * 2 > entries.length) {
      queue.entries = entries.slice(queue.head);
      queue.head = 0;
    } else if (entries.length > 4096 && queue.live * 4 < entries.length - queue.head) {
      queue.entries = entries.slice(queue.head).filter((e) => e.expire !== null);
      queue.head = 0;
    }
  };

  const newQueue = (timeoutMs: number): Queue => {
    const queue = { entries: [], head: 0, live: 0 };
    queues.set(timeoutMs, queue);
    return queue;
  };

  return {
    add(timeoutMs, expire) {
      const entry: Entry = { due: performance.now() + timeoutMs, expire };
      const queue = queues.get(timeoutMs) ?? newQueue(timeoutMs);
      queue.entries.push(entry);
      queue.live += 1;
      if (entry.due < timerDue) arm();
      return () => {
        if (entry.expire === null) return;
        entry.expire = null;
        queue.live -= 1;
        settle(queue);
      };
    },
  };
}
