import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createFrameReader, createFrameWriter, type Frame } from "../../runtime/protocol/frames.ts";

const bytes = (...values: number[]) => new Uint8Array(values);

/**
 * Two turns' worth of messages: bodies absent, empty and present, as bytes and as text (which the
 * reader gives back as a string), text beyond ASCII in messages and bodies, a text body that
 * begins with U+FEFF (not a byte order mark to drop) and one with a lone surrogate (sent as U+FFFD).
 */
const TURNS: Frame<unknown>[][] = [
  [
    { message: { t: "run", id: 1, text: "héllo ✓ 𝄞" }, body: bytes(1, 2, 3) },
    { message: { t: "result", id: 1 }, body: '{"text":"héllo ✓ 𝄞"}' },
    { message: { t: "ping", nonce: 7 }, body: null },
    { message: { t: "chunk", id: 1 }, body: bytes() },
    { message: { t: "ws-send", conns: [] }, body: "" },
    {
      message: { t: "ws-send", conns: ["a"] },
      body: "\uFEFFstarts with U+FEFF, ends alone \uD800",
    },
  ],
  [{ message: ["nested", { deep: [1, null, true] }], body: bytes(255, 0, 128) }],
  // A turn whose only text is empty: still a string, not a missing body.
  [{ message: { t: "result", id: 2 }, body: "" }],
];

/** What the writer puts on the wire for TURNS, one frame per turn. */
function wire(): Uint8Array {
  const written: Uint8Array[] = [];
  const send = createFrameWriter({ write: (chunk) => written.push(chunk) });
  for (const turn of TURNS) {
    for (const { message, body } of turn) send(message, body);
    send.flush();
  }
  assert.equal(written.length, TURNS.length, "one write per turn");
  const all = new Uint8Array(written.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of written) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}

function read(chunks: Uint8Array[]): Frame<unknown>[] {
  const frames: Frame<unknown>[] = [];
  const feed = createFrameReader<unknown>((frame) => frames.push(frame));
  for (const chunk of chunks) feed(chunk);
  return frames;
}

function assertFrames(frames: Frame<unknown>[], label: string): void {
  const expected = TURNS.flat();
  assert.equal(frames.length, expected.length, label);
  frames.forEach((frame, i) => {
    assert.deepEqual(frame.message, expected[i]!.message, label);
    const body = expected[i]!.body;
    if (body === null) assert.equal(frame.body, null, label);
    else if (typeof body === "string") assert.equal(frame.body, body.toWellFormed(), label);
    else assert.deepEqual([...(frame.body as Uint8Array)], [...body], label);
  });
}

describe("frames", () => {
  const data = wire();

  test("a whole wire in one chunk gives every message in order", () => {
    assertFrames(read([data]), "one chunk");
  });

  test("split in two at every offset, the reader gives the same messages", () => {
    for (let at = 0; at <= data.byteLength; at++) {
      assertFrames(read([data.slice(0, at), data.slice(at)]), `split at ${at}`);
    }
  });

  test("split in three at every pair of offsets, the same again", () => {
    for (let a = 1; a < data.byteLength; a += 3) {
      for (let b = a; b < data.byteLength; b += 5) {
        assertFrames(read([data.slice(0, a), data.slice(a, b), data.slice(b)]), `${a}/${b}`);
      }
    }
  });

  test("one byte at a time, the same again", () => {
    assertFrames(read([...data].map((value) => bytes(value))), "bytewise");
  });

  test("a body is a copy of its own, never a view into the chunk (it may be transferred)", () => {
    const chunk = data.slice();
    const body = read([chunk])[0]!.body;
    assert.ok(body instanceof Uint8Array);
    assert.equal(body.byteOffset, 0);
    assert.equal(body.buffer.byteLength, body.byteLength);
    chunk.fill(0);
    assert.deepEqual([...body], [1, 2, 3]);
  });

  test("an incomplete frame gives nothing until its end arrives", () => {
    const frames: Frame<unknown>[] = [];
    const feed = createFrameReader<unknown>((frame) => frames.push(frame));
    feed(data.slice(0, 10));
    assert.equal(frames.length, 0);
    feed(data.slice(10));
    assert.equal(frames.length, TURNS.flat().length);
  });

  test("messages sent in one turn go out as one frame, flushed at the end of the turn", async () => {
    const written: Uint8Array[] = [];
    const send = createFrameWriter({ write: (chunk) => written.push(chunk) });
    send({ a: 1 });
    send({ b: 2 }, bytes(9));
    assert.equal(written.length, 0);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(written.length, 1);
    assert.deepEqual(read(written).map((f) => f.message), [{ a: 1 }, { b: 2 }]);
  });
});
