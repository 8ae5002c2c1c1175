/**
 * A real type-check of one script against the injected globals (types/index.d.ts, SPEC §28.5), in
 * a Worker of its own that stays warm between checks and ends itself after a quiet minute.
 */
import type { TypeCheckDiagnostic, TypeCheckReply, TypeCheckRequest } from "./typecheck-worker.ts";

export type { TypeCheckDiagnostic };

const IDLE_MS = 60_000;

let worker: Worker | undefined;
let idle: ReturnType<typeof setTimeout> | undefined;
let nextId = 1;
const pending = new Map<number, (reply: TypeCheckReply | Error) => void>();

function start(): Worker {
  const started = new Worker(new URL("./typecheck-worker.ts", import.meta.url), { type: "module" });
  started.onmessage = (event: MessageEvent<TypeCheckReply>) => {
    pending.get(event.data.id)?.(event.data);
    pending.delete(event.data.id);
    if (pending.size === 0) schedule();
  };
  started.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    started.terminate();
    if (worker === started) worker = undefined;
    for (const settle of pending.values()) {
      settle(new Error(`the type-checker crashed: ${event.message}`));
    }
    pending.clear();
  };
  // Bun: a waiting Worker does not keep the process alive.
  (started as Worker & { unref?: () => void }).unref?.();
  return started;
}

function schedule(): void {
  clearTimeout(idle);
  idle = setTimeout(closeTypeChecker, IDLE_MS);
  (idle as { unref?: () => void }).unref?.();
}

/** Ends the type-check Worker (it starts again on the next check). */
export function closeTypeChecker(): void {
  clearTimeout(idle);
  worker?.terminate();
  worker = undefined;
}

/** Type errors of `source` as the file `filename` (absolute; its extension picks TS or JS). */
export function typeCheck(source: string, filename: string): Promise<TypeCheckDiagnostic[]> {
  clearTimeout(idle);
  worker ??= start();
  const id = nextId++;
  const reply = new Promise<TypeCheckDiagnostic[]>((resolve, reject) => {
    pending.set(id, (value) => {
      if (value instanceof Error) reject(value);
      else if (!value.ok) reject(new Error(`the type-checker failed: ${value.message}`));
      else resolve(value.diagnostics);
    });
  });
  worker.postMessage({ id, source, filename } satisfies TypeCheckRequest);
  return reply;
}
