/**
 * How an instance's `shared` lies in KV (docs/state.md), as pure functions: the key layout, a
 * value's stored form (inline or chunked), a batch of changes cut into atomic writes, and a stored
 * value read back.
 *
 * One entry per top-level key: ["shared", instance, name] holds a UTF-8 JSON header. A value
 * whose header fits one KV value is inline, `{"v": value}`. A larger one is cut into chunks under
 * ["shared-chunk", instance, name, gen, i], written before the header `{"n", "bytes", "g"}` that
 * points at them: a reader follows a header to a complete chunk set, never to a torn value. A name
 * too long for a KV key is keyed by its SHA-256 and carried in the header as "k".
 */
import { createHash } from "node:crypto";
import type { KvKey, KvKeyPart, Mutation } from "./kv.ts";

export const SHARED = "shared";
export const CHUNKS = "shared-chunk";
/** KV's largest value, in bytes. */
export const VALUE_BYTES = 65_536;
/** Names longer than this (UTF-8 bytes) are keyed by their hash: a KV key holds at most 2 KiB. */
const NAME_BYTES = 1024;
/**
 * One atomic write's budget, under KV's limits (1000 mutations, 800 KiB of keys and values, 80 KiB
 * of keys) with room to spare.
 */
export const ATOMIC_MUTATIONS = 500;
export const ATOMIC_BYTES = 512 * 1024;
export const ATOMIC_KEY_BYTES = 64 * 1024;

/** A stored value's header. */
export type Header =
  | { k?: string; v: unknown }
  | { k?: string; n: number; bytes: number; g: string };

/** Where a chunked value's chunks are: its generation and how many. */
export interface ChunkSet {
  gen: string;
  n: number;
}

/** One top-level key of one instance, as it is now (`value` undefined: gone). */
export interface Change {
  instance: string;
  name: string;
  value: unknown;
}

/** A batch cut into atomic writes, applied in this order. */
export interface Plan {
  /** Chunks of values stored chunked: invisible until a header points at them. */
  stage: Mutation[][];
  /** The headers (one atomic write whenever the batch has at most ATOMIC_MUTATIONS keys). */
  commit: Mutation[][];
  /** Chunk sets no header points at any more. */
  cleanup: Mutation[][];
  /** The chunk set each changed key has after the commit (null: none), by `slotId`. */
  chunks: Map<string, ChunkSet | null>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The KV key part of a top-level name: the name, or its SHA-256 when too long for a key. */
export function namePart(name: string): KvKeyPart {
  if (encoder.encode(name).length <= NAME_BYTES) return name;
  return new Uint8Array(createHash("sha256").update(name).digest());
}

/** A name's slot as a string, for maps: one per (instance, key part). */
export function slotId(instance: string, part: KvKeyPart): string {
  const name = part instanceof Uint8Array ? `#${Buffer.from(part).toString("hex")}` : `=${part}`;
  return `${instance}\0${name}`;
}

export const headerKey = (instance: string, part: KvKeyPart): KvKey => [SHARED, instance, part];

export const chunkKey = (instance: string, part: KvKeyPart, gen: string, index: number): KvKey => [
  CHUNKS,
  instance,
  part,
  gen,
  index,
];

/** A mutation's size as KV counts it, near enough: key parts plus value bytes. */
export function sizeOf(mutation: Mutation): { key: number; total: number } {
  let key = 0;
  for (const part of mutation.key) {
    key += 2 +
      (part instanceof Uint8Array
        ? part.length
        : typeof part === "string"
        ? encoder.encode(part).length
        : 9);
  }
  return { key, total: key + (mutation.value?.length ?? 0) };
}

/** Cuts mutations, in order, into groups that each fit one atomic write. */
export function groupAtomic(mutations: readonly Mutation[]): Mutation[][] {
  const groups: Mutation[][] = [];
  let current: Mutation[] = [];
  let bytes = 0;
  let keyBytes = 0;
  for (const mutation of mutations) {
    const size = sizeOf(mutation);
    const full = current.length >= ATOMIC_MUTATIONS ||
      bytes + size.total > ATOMIC_BYTES ||
      keyBytes + size.key > ATOMIC_KEY_BYTES;
    if (current.length > 0 && full) {
      groups.push(current);
      current = [];
      bytes = 0;
      keyBytes = 0;
    }
    current.push(mutation);
    bytes += size.total;
    keyBytes += size.key;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * The writes that bring the store to `changes`. `stored` says which chunk set a key has now (its
 * chunks are deleted once no header points at them); `newGen` names a fresh chunk set.
 * A value goes inline while the headers still fit one atomic write, else chunked.
 */
export function planBatch(
  changes: readonly Change[],
  stored: (slot: string) => ChunkSet | null,
  newGen: () => string,
): Plan {
  const stage: Mutation[] = [];
  const headers: Mutation[] = [];
  const cleanup: Mutation[] = [];
  const chunks = new Map<string, ChunkSet | null>();
  let room = ATOMIC_BYTES;
  for (const { instance, name, value } of changes) {
    const part = namePart(name);
    const slot = slotId(instance, part);
    const key = headerKey(instance, part);
    const json = value === undefined ? undefined : JSON.stringify(value);
    const carried = typeof part === "string" ? {} : { k: name };
    const prefix = typeof part === "string" ? "{" : `{"k":${JSON.stringify(name)},`;
    let header: Mutation = { key, value: null };
    let set: ChunkSet | null = null;
    if (json !== undefined) {
      const inline = encoder.encode(`${prefix}"v":${json}}`);
      const size = sizeOf({ key, value: inline }).total;
      if (inline.length <= VALUE_BYTES && size <= room) {
        header = { key, value: inline };
      } else {
        const bytes = encoder.encode(json);
        set = { gen: newGen(), n: Math.ceil(bytes.length / VALUE_BYTES) };
        for (let i = 0; i < set.n; i++) {
          stage.push({
            key: chunkKey(instance, part, set.gen, i),
            value: bytes.subarray(i * VALUE_BYTES, (i + 1) * VALUE_BYTES),
          });
        }
        const pointer: Header = { ...carried, n: set.n, bytes: bytes.length, g: set.gen };
        header = { key, value: encoder.encode(JSON.stringify(pointer)) };
      }
    }
    room -= sizeOf(header).total;
    headers.push(header);
    const old = stored(slot);
    if (old) {
      for (let i = 0; i < old.n; i++) {
        cleanup.push({ key: chunkKey(instance, part, old.gen, i), value: null });
      }
    }
    chunks.set(slot, set);
  }
  return {
    stage: groupAtomic(stage),
    commit: groupAtomic(headers),
    cleanup: groupAtomic(cleanup),
    chunks,
  };
}

/** Reads a header's bytes; throws on bytes that are not one. */
export function decodeHeader(bytes: Uint8Array): Header {
  const header: unknown = JSON.parse(decoder.decode(bytes));
  if (typeof header !== "object" || header === null) throw new Error("not a header object");
  if ("v" in header) return header as Header;
  const { n, bytes: size, g } = header as Record<string, unknown>;
  if (typeof n !== "number" || typeof size !== "number" || typeof g !== "string") {
    throw new Error("a chunked header needs n, bytes and g");
  }
  return header as Header;
}

/** The name a header entry stands for: its key part, or the "k" a hashed key carries. */
export function nameOf(part: KvKeyPart, header: Header): string {
  if (typeof part === "string") return part;
  if (typeof header.k === "string") return header.k;
  throw new Error("a hashed key's header carries no name");
}

/** A chunked value joined back; throws when the chunks do not add up to the header. */
export function joinChunks(header: { n: number; bytes: number }, chunks: Uint8Array[]): unknown {
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  if (chunks.length !== header.n || total !== header.bytes) {
    throw new Error(
      `expected ${header.n} chunks of ${header.bytes} bytes, found ${chunks.length} of ${total}`,
    );
  }
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  return JSON.parse(decoder.decode(joined));
}
