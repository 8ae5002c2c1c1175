import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { logFolder } from "../../runtime/logs/files.ts";
import {
  createLogWriter,
  type LineBytes,
  type LogWriterOptions,
} from "../../runtime/logs/writer.ts";

/** `text` as a line that writes itself (as the access log's lines do: format.ts, AccessLine). */
const selfWriting = (text: string): LineBytes => ({
  room: text.length * 3,
  write: (out, at) => at + new TextEncoder().encodeInto(text, out.subarray(at)).written,
});

/**
 * A writer on a fresh root (`maxFileBytes` 1 MiB unless given, a total of ten files); `files()`
 * gives each file of instance 1 with its text, by name.
 */
function writerIn(options: Partial<LogWriterOptions> = {}) {
  const root = mkdtempSync(join(tmpdir(), "hoody-log-writer-"));
  const warnings: string[] = [];
  const maxFileBytes = options.maxFileBytes ?? 1024 * 1024;
  const writer = createLogWriter({
    root,
    maxFileBytes,
    maxTotalBytes: 10 * maxFileBytes,
    warn: (message) => warnings.push(message),
    ...options,
  });
  const folder = logFolder(root, "1");
  const files = () =>
    Object.fromEntries(
      readdirSync(folder).sort().map((name) => [name, readFileSync(join(folder, name), "utf8")]),
    );
  return { writer, files, warnings, done: () => rmSync(root, { recursive: true, force: true }) };
}

test("text and lines that write themselves reach the file in the order they were appended", async () => {
  const { writer, files, warnings, done } = writerIn();
  try {
    writer.append("1", "execution", "one\n");
    writer.append("1", "execution", selfWriting("two ✓\n"));
    writer.append("1", "execution", "three\n");
    writer.append("1", "execution", "four\n");
    writer.append("1", "execution", selfWriting("five\n"));
    writer.append("1", "access", "GET /\n");
    await writer.flush();
    const written = Object.entries(files());
    assert.equal(written.length, 2);
    const execution = written.find(([name]) => name.startsWith("exec-"))![1];
    const access = written.find(([name]) => name.startsWith("access"))![1];
    assert.equal(execution, "one\ntwo ✓\nthree\nfour\nfive\n");
    assert.equal(access, "GET /\n");
    assert.deepEqual(warnings, []);
  } finally {
    await writer.close();
    done();
  }
});

test("one batch after another: a smaller second batch carries nothing of the first", async () => {
  // A file's two buffers take turns, batch after batch; each write must take only its own bytes.
  const { writer, files, done } = writerIn();
  try {
    writer.append("1", "access", `${"a".repeat(5000)}\n`);
    writer.append("1", "execution", selfWriting(`${"b".repeat(3000)}\n`));
    await writer.flush();
    writer.append("1", "access", "c\n");
    writer.append("1", "execution", selfWriting("d\n"));
    writer.append("1", "execution", "é\n");
    await writer.flush();
    const written = Object.entries(files());
    const access = written.find(([name]) => name.startsWith("access"))![1];
    const execution = written.find(([name]) => name.startsWith("exec-"))![1];
    assert.equal(access, `${"a".repeat(5000)}\nc\n`);
    assert.equal(execution, `${"b".repeat(3000)}\nd\né\n`);
  } finally {
    await writer.close();
    done();
  }
});

test("lines rotate at a line's end, and no line is split between files", async () => {
  const { writer, files, done } = writerIn({ maxFileBytes: 16 });
  try {
    // 10 bytes a line: a 16-byte file holds one whole line, so each lands in a file of its own.
    writer.append("1", "execution", "line-0001\nline-0002\n");
    writer.append("1", "execution", selfWriting("line-0003\n"));
    await writer.flush();
    assert.deepEqual(Object.values(files()), ["line-0001\n", "line-0002\n", "line-0003\n"]);
  } finally {
    await writer.close();
    done();
  }
});

/** Room for 8 pending units, and no timed flush: only the test's own. */
const SMALL_CAP = { maxFileBytes: 1024, maxPendingBytes: 8, flushMs: 60_000 };

test("past the pending cap, text and lines that write themselves are dropped, counted by line", async () => {
  const { writer, warnings, done } = writerIn(SMALL_CAP);
  try {
    writer.append("1", "execution", "fits\n");
    writer.append("1", "execution", selfWriting("too many\n"));
    writer.append("1", "execution", "also\ntoo many\n");
    assert.equal(writer.dropped, 3);
    await writer.flush();
    assert.match(warnings.join("\n"), /3 lines dropped/);
  } finally {
    await writer.close();
    done();
  }
});

test("the pending cap counts what a flush takes off exactly as it was added (non-ASCII text too)", async () => {
  const { writer, done } = writerIn(SMALL_CAP);
  try {
    // 3 UTF-16 units that are 5 bytes: a flush must not take off more than was counted.
    writer.append("1", "execution", "éé\n");
    writer.append("1", "execution", "x\n");
    await writer.flush();
    writer.append("1", "execution", "123456789\n");
    assert.equal(writer.dropped, 1, "10 units past a cap of 8, with nothing pending");
  } finally {
    await writer.close();
    done();
  }
});
