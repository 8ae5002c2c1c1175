import assert from "node:assert/strict";
import { test } from "node:test";
import { createPendingBytes } from "../../runtime/logs/pending-bytes.ts";

test("pending log bytes are the UTF-8 of what was added, across chunk boundaries", () => {
  const ROWS: [string, string[]][] = [
    ["empty", []],
    ["one line", ["hello\n"]],
    ["many small lines", Array.from({ length: 5000 }, (_, i) => `line ${i}\n`)],
    ["a line larger than a chunk", ["x".repeat(200_000) + "\n"]],
    ["multi-byte text over a boundary", Array.from({ length: 3000 }, () => "héllo ✓ 😀 日本\n")],
  ];
  for (const [name, parts] of ROWS) {
    const pending = createPendingBytes();
    for (const part of parts) pending.add(part);
    const want = new TextEncoder().encode(parts.join(""));
    assert.equal(pending.size, want.byteLength, name);
    assert.deepEqual(pending.take(), want, name);
    assert.equal(pending.size, 0, name);
    pending.add("again\n");
    assert.deepEqual(new TextDecoder().decode(pending.take()), "again\n", name);
  }
});
