/**
 * Request/reply with a helper Worker of our own (the compiler's, the type-checker's): started on
 * the first request, replies matched to requests by id, a crash fails every request in flight (the
 * next request starts a new Worker), and optionally ended after a quiet spell.
 */

/** A message without its `id` (the client adds it), for each member of a union. */
export type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

export interface WorkerClientOptions {
  url: URL;
  /** Names the Worker in errors: `${name} crashed: …`. */
  name: string;
  /** Ends the Worker once nothing has been pending this long (it starts again when needed). */
  idleMs?: number;
  /** Bun: a waiting Worker does not keep the process alive. */
  unref?: boolean;
}

export interface WorkerClient<Request extends { id: number }, Reply extends { id: number }> {
  request(message: WithoutId<Request>): Promise<Reply>;
  /** Ends the Worker; what is pending fails with `reason`. A later request starts a new one. */
  close(reason: string): void;
}

export function createWorkerClient<
  Request extends { id: number },
  Reply extends { id: number },
>(options: WorkerClientOptions): WorkerClient<Request, Reply> {
  const pending = new Map<number, { resolve(reply: Reply): void; reject(error: Error): void }>();
  let worker: Worker | undefined;
  let idle: ReturnType<typeof setTimeout> | undefined;
  let nextId = 1;

  function failAll(error: Error): void {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  }

  function stop(): void {
    clearTimeout(idle);
    worker?.terminate();
    worker = undefined;
  }

  function start(): Worker {
    const started = new Worker(options.url, { type: "module" });
    started.onmessage = ({ data }: MessageEvent<Reply>) => {
      const waiting = pending.get(data.id);
      pending.delete(data.id);
      waiting?.resolve(data);
      if (pending.size === 0 && options.idleMs !== undefined) {
        clearTimeout(idle);
        idle = setTimeout(stop, options.idleMs);
        (idle as { unref?: () => void }).unref?.();
      }
    };
    started.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      started.terminate();
      if (worker === started) worker = undefined;
      failAll(new Error(`${options.name} crashed: ${event.message}`));
    };
    if (options.unref) (started as Worker & { unref?: () => void }).unref?.();
    return started;
  }

  return {
    request(message) {
      clearTimeout(idle);
      worker ??= start();
      const id = nextId++;
      const reply = new Promise<Reply>((resolve, reject) => pending.set(id, { resolve, reject }));
      worker.postMessage({ ...message, id });
      return reply;
    },
    close(reason) {
      stop();
      failAll(new Error(reason));
    },
  };
}
