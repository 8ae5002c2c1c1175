/**
 * The one way the server opens its KV database, on both runtimes: the `@deno/kv` package, which
 * hands over to `Deno.openKv` on Deno (run with the "kv" unstable feature, deno.json) and uses its
 * own SQLite engine on Bun. Both write the same on-disk format, so a root written by one runtime
 * opens on the other. Values are always Uint8Array (stored as raw bytes), so V8 serialization is
 * never needed: the V8 codecs given to `openKv` only refuse.
 */
import { type Kv, type KvKey, openKv } from "@deno/kv";

export type { Kv, KvKey, KvKeyPart } from "@deno/kv";

const noV8 = (): never => {
  throw new Error("the shared-state store writes raw bytes only; a V8-encoded value is not ours");
};

/** Opens (creating it when missing) the SQLite-backed KV database at `path`. */
export async function openKvDatabase(path: string): Promise<Kv> {
  return await openKv(path, { encodeV8: noV8, decodeV8: noV8 });
}

/** A KV write: `value` null deletes the key. */
export interface Mutation {
  key: KvKey;
  value: Uint8Array | null;
}

/** Applies `mutations` as one atomic write: all of them, or (on a throw) none. */
export async function commitAtomic(kv: Kv, mutations: readonly Mutation[]): Promise<void> {
  const operation = kv.atomic();
  for (const { key, value } of mutations) {
    if (value === null) operation.delete(key);
    else operation.set(key, value);
  }
  const result = await operation.commit();
  if (!result.ok) throw new Error("the KV database refused an atomic write");
}
