/**
 * A real type-check of one script against the injected globals (types/index.d.ts), in
 * a Worker of its own that stays warm between checks and ends itself after a quiet minute.
 */
import { createWorkerClient } from "../worker-client.ts";
import type { JsonSchema } from "./type-shape.ts";
import type { TypeCheckDiagnostic, TypeCheckReply, TypeCheckRequest } from "./typecheck-worker.ts";

export type { TypeCheckDiagnostic };

const client = createWorkerClient<TypeCheckRequest, TypeCheckReply>({
  url: new URL("./typecheck-worker.ts", import.meta.url),
  name: "the type-checker",
  idleMs: 60_000,
  unref: true,
});

type Checked = Extract<TypeCheckReply, { ok: true }>;

async function ask(request: Omit<TypeCheckRequest, "id">): Promise<Checked> {
  const reply = await client.request(request);
  if (!reply.ok) throw new Error(`the type-checker failed: ${reply.message}`);
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
  close: () => client.close("the type-checker was closed during the check"),
};
