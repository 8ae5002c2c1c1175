/**
 * A real type-check of one script against the injected globals (types/index.d.ts, SPEC §28.5), in
 * a Worker of its own that stays warm between checks and ends itself after a quiet minute.
 */
import type { JsonSchema } from "./type-shape.ts";
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
function closeTypeChecker(): void {
  clearTimeout(idle);
  worker?.terminate();
  worker = undefined;
}

type Checked = Extract<TypeCheckReply, { ok: true }>;

function ask(request: Omit<TypeCheckRequest, "id">): Promise<Checked> {
  clearTimeout(idle);
  worker ??= start();
  const id = nextId++;
  const reply = new Promise<Checked>((resolve, reject) => {
    pending.set(id, (value) => {
      if (value instanceof Error) reject(value);
      else if (!value.ok) reject(new Error(`the type-checker failed: ${value.message}`));
      else resolve(value);
    });
  });
  worker.postMessage({ id, ...request } satisfies TypeCheckRequest);
  return reply;
}

export interface TypeChecker {
  /** Type errors of `source` as the file `filename` (absolute; its extension picks TS or JS). */
  check(source: string, filename: string): Promise<TypeCheckDiagnostic[]>;
  /** Like check, and the type `definition` described as JSON Schema, in one round trip. */
  checkDescribing(
    source: string,
    filename: string,
    definition: string,
  ): Promise<{ diagnostics: TypeCheckDiagnostic[]; described: JsonSchema }>;
  /** Ends the type-check Worker (it starts again on the next check). */
  close(): void;
}

/** The process's one type checker (its Worker is shared by every server in the process). */
export const typeChecker: TypeChecker = {
  check: async (source, filename) => (await ask({ source, filename })).diagnostics,
  async checkDescribing(source, filename, definition) {
    const reply = await ask({ source, filename, describe: definition });
    return { diagnostics: reply.diagnostics, described: reply.described ?? {} };
  },
  close: closeTypeChecker,
};
