/** The shared-state store's layout (runtime/state/entries.ts): stored forms, batches, reading back. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ATOMIC_MUTATIONS,
  type Change,
  CHUNKS,
  type ChunkSet,
  decodeHeader,
  groupAtomic,
  joinChunks,
  nameOf,
  namePart,
  planBatch,
  SHARED,
  slotId,
  VALUE_BYTES,
} from "../../runtime/state/entries.ts";
import type { KvKeyPart, Mutation } from "../../runtime/state/kv.ts";

const decoder = new TextDecoder();
const gens = () => {
  let n = 0;
  return () => `g${n++}`;
};

/** Reads a plan back as a loader would: each header, followed to its chunks when chunked. */
function readBack(mutations: Mutation[]): Map<string, unknown> {
  const values = new Map<string, Uint8Array>();
  for (const { key, value } of mutations) if (value) values.set(JSON.stringify(key), value);
  const result = new Map<string, unknown>();
  for (const { key, value } of mutations) {
    if (key[0] !== SHARED) continue;
    if (!value) continue;
    const header = decodeHeader(value);
    const name = nameOf(key[2] as KvKeyPart, header);
    if ("v" in header) result.set(name, header.v);
    else {
      const chunks = Array.from(
        { length: header.n },
        (_, i) => values.get(JSON.stringify([CHUNKS, key[1], key[2], header.g, i]))!,
      );
      result.set(name, joinChunks(header, chunks));
    }
  }
  return result;
}

describe("planBatch: stored forms", () => {
  const big = "x".repeat(3 * VALUE_BYTES + 17);
  const rows: [string, unknown, { chunks: number }][] = [
    ["a number is inline", 42, { chunks: 0 }],
    ["unicode text is inline", "é ✓ 日本", { chunks: 0 }],
    ["a nested object is inline", { a: [1, { b: null }], c: "d" }, { chunks: 0 }],
    ["a value just under the KV limit is inline", "y".repeat(VALUE_BYTES - 20), { chunks: 0 }],
    ["a value just over the KV limit is chunked", "y".repeat(VALUE_BYTES), { chunks: 2 }],
    ["a 192 KiB value is four chunks", big, { chunks: 4 }],
  ];
  for (const [name, value, expected] of rows) {
    test(name, () => {
      const plan = planBatch([{ instance: "1", name: "k", value }], () => null, gens());
      const stage = plan.stage.flat();
      assert.equal(stage.length, expected.chunks);
      for (const chunk of stage) assert.ok(chunk.value!.length <= VALUE_BYTES);
      assert.equal(plan.commit.length, 1);
      assert.deepEqual(readBack([...stage, ...plan.commit.flat()]).get("k"), value);
      const set = plan.chunks.get(slotId("1", "k"));
      assert.deepEqual(set, expected.chunks ? { gen: "g0", n: expected.chunks } : null);
    });
  }

  test("a gone value deletes its header and the chunks it had", () => {
    const old: ChunkSet = { gen: "old", n: 3 };
    const plan = planBatch(
      [{ instance: "1", name: "k", value: undefined }],
      (slot) => slot === slotId("1", "k") ? old : null,
      gens(),
    );
    assert.deepEqual(plan.stage, []);
    assert.deepEqual(plan.commit, [[{ key: [SHARED, "1", "k"], value: null }]]);
    assert.deepEqual(
      plan.cleanup.flat().map((m) => [m.key, m.value]),
      [0, 1, 2].map((i) => [[CHUNKS, "1", "k", "old", i], null]),
    );
    assert.equal(plan.chunks.get(slotId("1", "k")), null);
  });

  test("a rewritten chunked value gets a new generation; the old one is cleaned up after", () => {
    const plan = planBatch(
      [{ instance: "1", name: "k", value: "z".repeat(VALUE_BYTES * 2) }],
      () => ({ gen: "old", n: 2 }),
      gens(),
    );
    assert.ok(plan.stage.flat().every((m) => m.key[3] === "g0"));
    assert.ok(plan.cleanup.flat().every((m) => m.key[3] === "old" && m.value === null));
  });

  test("a name too long for a KV key is keyed by its hash and carried in the header", () => {
    const long = "n".repeat(5000);
    const part = namePart(long);
    assert.ok(part instanceof Uint8Array && part.length === 32);
    assert.equal(namePart("short"), "short");
    const plan = planBatch([{ instance: "1", name: long, value: 7 }], () => null, gens());
    assert.deepEqual(readBack(plan.commit.flat()).get(long), 7);
    assert.notEqual(slotId("1", part), slotId("1", long));
  });

  test("headers stay one atomic write: once inline values fill it, the rest are chunked", () => {
    const changes: Change[] = Array.from({ length: 20 }, (_, i) => ({
      instance: "1",
      name: `k${i}`,
      value: "v".repeat(60_000),
    }));
    const plan = planBatch(changes, () => null, gens());
    assert.equal(plan.commit.length, 1);
    const inline = plan.commit[0]!.filter((m) => "v" in decodeHeader(m.value!)).length;
    assert.ok(inline > 0 && inline < 20, `inline ${inline}`);
    const back = readBack([...plan.stage.flat(), ...plan.commit.flat()]);
    for (const change of changes) assert.equal(back.get(change.name), change.value);
  });

  test("a batch of more keys than one atomic write takes is cut in order", () => {
    const changes: Change[] = Array.from({ length: ATOMIC_MUTATIONS + 1 }, (_, i) => ({
      instance: "1",
      name: `k${i}`,
      value: i,
    }));
    const plan = planBatch(changes, () => null, gens());
    assert.deepEqual(plan.commit.map((group) => group.length), [ATOMIC_MUTATIONS, 1]);
    assert.equal(plan.commit[1]![0]!.key[2], `k${ATOMIC_MUTATIONS}`);
  });
});

describe("reading back refuses what does not add up", () => {
  const rows: [string, () => unknown, RegExp][] = [
    ["a missing chunk", () => joinChunks({ n: 2, bytes: 4 }, [new Uint8Array(2)]), /expected 2/],
    ["a short chunk", () => joinChunks({ n: 1, bytes: 4 }, [new Uint8Array(3)]), /4 bytes/],
    ["bytes that are not JSON", () => decodeHeader(new Uint8Array([1, 2])), /JSON/],
    [
      "a chunked header without its generation",
      () => decodeHeader(new TextEncoder().encode(JSON.stringify({ n: 1, bytes: 2 }))),
      /needs n/,
    ],
    ["a hashed key without its name", () => nameOf(new Uint8Array(32), { v: 1 }), /no name/],
  ];
  for (const [name, read, error] of rows) test(name, () => assert.throws(read, error));

  test("a whole chunk set joins back", () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ a: "b" }));
    assert.deepEqual(
      joinChunks({ n: 2, bytes: bytes.length }, [bytes.subarray(0, 3), bytes.subarray(3)]),
      {
        a: "b",
      },
    );
    assert.equal(decoder.decode(bytes), `{"a":"b"}`);
  });
});

describe("groupAtomic", () => {
  const key = (i: number) => [SHARED, "1", `k${i}`];
  const rows: [string, Mutation[], number[]][] = [
    ["nothing", [], []],
    ["a few small ones", [0, 1, 2].map((i) => ({ key: key(i), value: new Uint8Array(10) })), [3]],
    [
      "cut by bytes",
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => ({
        key: key(i),
        value: new Uint8Array(VALUE_BYTES),
      })),
      [7, 3],
    ],
    [
      "cut by count",
      Array.from({ length: ATOMIC_MUTATIONS * 2 + 1 }, (_, i) => ({ key: key(i), value: null })),
      [ATOMIC_MUTATIONS, ATOMIC_MUTATIONS, 1],
    ],
  ];
  for (const [name, mutations, sizes] of rows) {
    test(name, () => assert.deepEqual(groupAtomic(mutations).map((g) => g.length), sizes));
  }
});
