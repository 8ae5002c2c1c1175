/**
 * Reading the shared-state store at start (docs/state.md): every instance's `shared` as the last
 * committed batch left it, and which chunk sets back it. Chunks no header points at (a batch cut
 * short by a crash, or a cleanup that never ran) are deleted here.
 */
import { isSafePath } from "../protocol/shared-ops.ts";
import {
  CHUNKS,
  type ChunkSet,
  decodeHeader,
  groupAtomic,
  joinChunks,
  nameOf,
  SHARED,
  slotId,
} from "./entries.ts";
import { commitAtomic, type Kv, type KvKeyPart, type Mutation } from "./kv.ts";

export interface LoadedStates {
  states: Map<string, Record<string, unknown>>;
  /** The chunk set behind each chunked value, by slotId. */
  chunks: Map<string, ChunkSet>;
}

export async function loadStates(kv: Kv, warn: (line: string) => void): Promise<LoadedStates> {
  const states = new Map<string, Record<string, unknown>>();
  const chunks = new Map<string, ChunkSet>();
  for await (const entry of kv.list<unknown>({ prefix: [SHARED] })) {
    const [, instance, part] = entry.key;
    try {
      if (entry.key.length !== 3 || typeof instance !== "string" || part === undefined) {
        throw new Error("not a shared-state key");
      }
      if (!(entry.value instanceof Uint8Array)) throw new Error("not a byte value");
      const header = decodeHeader(entry.value);
      const name = nameOf(part, header);
      if (!isSafePath([name])) throw new Error("a name shared refuses");
      let value: unknown;
      if ("v" in header) value = header.v;
      else {
        value = joinChunks(header, await chunksOf(kv, instance, part, header.g));
        chunks.set(slotId(instance, part), { gen: header.g, n: header.n });
      }
      let state = states.get(instance);
      if (!state) states.set(instance, state = {});
      state[name] = value;
    } catch (error) {
      warn(`shared-state store: skipped the entry ${String(entry.key)}: ${String(error)}`);
    }
  }
  const orphans: Mutation[] = [];
  for await (const entry of kv.list({ prefix: [CHUNKS] })) {
    const [, instance, part, gen] = entry.key;
    const set = typeof instance === "string" && part !== undefined
      ? chunks.get(slotId(instance, part))
      : undefined;
    if (set?.gen !== gen) orphans.push({ key: entry.key, value: null });
  }
  for (const group of groupAtomic(orphans)) await commitAtomic(kv, group);
  return { states, chunks };
}

async function chunksOf(
  kv: Kv,
  instance: string,
  part: KvKeyPart,
  gen: string,
): Promise<Uint8Array[]> {
  const found: Uint8Array[] = [];
  for await (const entry of kv.list<unknown>({ prefix: [CHUNKS, instance, part, gen] })) {
    if (!(entry.value instanceof Uint8Array)) throw new Error("a chunk is not bytes");
    found.push(entry.value);
  }
  return found;
}
