import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "../../runtime/log.ts";
import { eventually } from "../lib/eventually.ts";

/** What the logger writes to stderr while `body` runs, and until `until` holds (bounded). */
async function captured(
  body: (log: ReturnType<typeof createLogger>) => void,
  until: (lines: string[]) => boolean,
): Promise<string[]> {
  const lines: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string) => {
    lines.push(String(chunk).replace(/^\S+ /, "").trimEnd());
    return true;
  }) as typeof process.stderr.write;
  try {
    body(createLogger(true));
    await eventually(() => Promise.resolve(until(lines)), 5000);
    return lines;
  } finally {
    process.stderr.write = write;
  }
}

test("lines of one kind are written once a second, then counted; others as they come", async () => {
  const lines = await captured((log) => {
    for (let i = 0; i < 5; i++) log.warn(`/sl: UNAVAILABLE wait ${i}`, "/sl UNAVAILABLE");
    log.warn("/other: TIMEOUT", "/other TIMEOUT");
    log.error("no kind 1");
    log.error("no kind 2");
    log.info("quiet: not written");
  }, (lines) => lines.some((line) => line.includes("more like it")));
  assert.deepEqual(lines, [
    "[WARN] /sl: UNAVAILABLE wait 0",
    "[WARN] /other: TIMEOUT",
    "[ERROR] no kind 1",
    "[ERROR] no kind 2",
    "[WARN] /sl UNAVAILABLE: 4 more like it in the last second",
  ]);
});

test("past 100 kinds in a second, the rest share one count", async () => {
  const lines = await captured((log) => {
    for (let i = 0; i < 105; i++) log.warn(`/p${i}: INTERNAL`, `/p${i} INTERNAL`);
  }, (lines) => lines.some((line) => line.includes("more like it")));
  assert.equal(lines.length, 102);
  assert.equal(lines[100], "[WARN] /p100: INTERNAL");
  assert.equal(lines[101], "[WARN] other request failures: 4 more like it in the last second");
});
