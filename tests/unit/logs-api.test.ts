/** The log API in-process over a log folder written in the writer's format: list, read, search, clear. */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseLine } from "../../runtime/logs/lines.ts";
import { createInProcessManagement, type InProcessManagement } from "../lib/management-app.ts";
import {
  accessLine,
  execLine,
  type LogFolder,
  logFolderOf,
  REQ_A,
  REQ_B,
} from "../lib/log-files.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";

const EXEC_1 = "exec-2026-12-02-001.log";
const EXEC_2 = "exec-2026-12-03-001.log";
const ACCESS = "access-2026-12-03-001.log";

describe("logs API in-process", () => {
  let dir: ScriptsDir;
  let app: InProcessManagement;
  let logs: LogFolder;
  before(async () => {
    dir = tmpScripts({ "1/hello.ts": "return 1;" });
    app = await createInProcessManagement(dir.root);
    logs = logFolderOf(dir.root);
    logs.write(EXEC_1, [
      execLine("INFO", "api/users/[id].ts", REQ_A, "first from A"),
      execLine("LOG", "hello.ts", REQ_B, `forged [x ${REQ_A}] not A's`),
      execLine("WARN", "api/users/[id].ts", REQ_A, "second from A"),
    ]);
    logs.write(EXEC_2, [
      execLine("ERROR", "api/users/[id].ts", REQ_A, "Boom from A"),
      execLine("DEBUG", "hello.ts", "-", "no request"),
      ...Array.from({ length: 20 }, (_, i) => execLine("INFO", "hello.ts", REQ_B, `line ${i}`)),
    ]);
    logs.append(EXEC_2, execLine("INFO", "hello.ts", REQ_A, "incomplete")); // no \n yet
    logs.write(ACCESS, [accessLine("hello.ts", REQ_B, "/hello")]);
  });
  after(async () => {
    app[Symbol.dispose]();
    await dir[Symbol.asyncDispose]();
  });

  test("parseLine reads the bracket before the message", () => {
    assert.deepEqual(parseLine(execLine("INFO", "api/[id].ts", REQ_A, "x] y")), {
      level: "INFO",
      script: "api/[id].ts",
      executionId: REQ_A,
    });
    assert.equal(parseLine("garbage"), null);
  });

  test("list: every file, newest first, filtered by type and limited", async () => {
    const all = await app.call("GET", "/logs/list");
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.logs.map((l: { name: string }) => l.name), [EXEC_2, ACCESS, EXEC_1]);
    assert.equal(all.body.count, 3);
    const first = all.body.logs[0];
    assert.equal(first.type, "execution");
    assert.equal(typeof first.size, "number");
    assert.ok(!Number.isNaN(Date.parse(first.modified)));
    const access = await app.call("GET", "/logs/list?type=access");
    assert.deepEqual(access.body.logs.map((l: { type: string }) => l.type), ["access"]);
    const one = await app.call("GET", "/logs/list?limit=1");
    assert.equal(one.body.count, 1);
  });

  test("read by file: tail and head, lines, search; the incomplete last line is left out", async () => {
    const tail = await app.call("POST", "/logs/read", { file: EXEC_2, lines: 3 });
    assert.equal(tail.status, 200);
    assert.equal(tail.body.file, EXEC_2);
    assert.equal(tail.body.totalLines, 22);
    assert.equal(tail.body.returnedLines, 3);
    assert.ok(tail.body.lines[2].endsWith("line 19"));
    assert.ok(!tail.body.lines.some((l: string) => l.includes("incomplete")));
    const head = await app.call("POST", "/logs/read", { file: EXEC_2, lines: 1, tail: false });
    assert.ok(head.body.lines[0].endsWith("Boom from A"));
    const search = await app.call("POST", "/logs/read", { file: EXEC_2, search: "LINE 1" });
    assert.equal(search.body.filteredLines, 11); // line 1, line 10..19
    const defaults = await app.call("POST", "/logs/read", { file: EXEC_2 });
    assert.equal(defaults.body.returnedLines, 22);
    const tooMany = await app.call("POST", "/logs/read", { file: EXEC_2, lines: 1001 });
    assert.equal(tooMany.status, 400);
  });

  test("read by executionId: exactly that request's lines, across files, oldest first", async () => {
    const read = await app.call("POST", "/logs/read", { executionId: REQ_A });
    assert.equal(read.status, 200);
    assert.deepEqual(read.body.lines.map((l: string) => l.replace(/^.*\] /, "")), [
      "first from A",
      "second from A",
      "Boom from A",
    ]);
    assert.deepEqual(read.body.files, [EXEC_1, EXEC_2]);
    assert.equal(read.body.file, EXEC_2);
    const none = await app.call("POST", "/logs/read", { executionId: "nobody" });
    assert.equal(none.status, 200);
    assert.deepEqual(none.body.lines, []);
  });

  test("read needs file or executionId (400 VALIDATION_ERROR)", async () => {
    const response = await app.call("POST", "/logs/read", {});
    assert.equal(response.status, 400);
    assert.equal(response.body.code, "VALIDATION_ERROR");
    assert.equal(response.body.field, "file");
  });

  test("search: text, case, regex, limit, files", async () => {
    const text = await app.call("POST", "/logs/search", { query: "boom" });
    assert.equal(text.status, 200);
    assert.equal(text.body.searchType, "text");
    assert.equal(text.body.filesSearched, 3);
    assert.equal(text.body.matchesFound, 1);
    assert.deepEqual(
      { file: text.body.results[0].file, line: text.body.results[0].line },
      { file: EXEC_2, line: 1 },
    );
    assert.ok(text.body.results[0].content.endsWith("Boom from A"));
    const cased = await app.call("POST", "/logs/search", { query: "boom", caseSensitive: true });
    assert.equal(cased.body.matchesFound, 0);
    const regex = await app.call("POST", "/logs/search", { regex: "line 1[0-9]$", limit: 4 });
    assert.equal(regex.body.searchType, "regex");
    assert.equal(regex.body.matchesFound, 10);
    assert.equal(regex.body.results.length, 4);
    const files = await app.call("POST", "/logs/search", { query: "GET", files: [ACCESS] });
    assert.equal(files.body.filesSearched, 1);
    assert.equal(files.body.matchesFound, 1);
    const neither = await app.call("POST", "/logs/search", {});
    assert.equal(neither.status, 400);
    const tooMany = await app.call("POST", "/logs/search", {
      query: "x",
      files: Array(17).fill(ACCESS),
    });
    assert.equal(tooMany.status, 400);
    const backref = await app.call("POST", "/logs/search", { regex: "(a)\\1" });
    assert.equal(backref.status, 400);
    assert.match(backref.body.error, /RE2/);
  });

  test("a pathological regex on a long line is answered (linear-time engine)", async () => {
    logs.write("exec-2026-12-01-001.log", [
      execLine("INFO", "x.ts", "-", `${"a".repeat(50_000)}!`),
    ]);
    const response = await app.call("POST", "/logs/search", {
      regex: "(a+)+$",
      files: ["exec-2026-12-01-001.log"],
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.matchesFound, 0);
  });

  test("file names are only looked up in the listing: traversal refused", async () => {
    for (const file of ["../../1/hello.ts", "../exec-2026-12-03-001.log", "/etc/passwd", "x.log"]) {
      const read = await app.call("POST", "/logs/read", { file });
      assert.equal(read.status, 400, file);
      assert.equal(read.body.field, "file");
    }
    const missing = await app.call("POST", "/logs/read", { file: "exec-2020-01-01-001.log" });
    assert.equal(missing.status, 404);
    const search = await app.call("POST", "/logs/search", { query: "a", files: ["../x"] });
    assert.equal(search.status, 400);
    const stream = await app.call("GET", "/logs/stream?file=..%2Fx&follow=false");
    assert.equal(stream.status, 400);
  });

  test("clear: nothing without confirm=true; then by file, by type, by age", async () => {
    const refused = await app.call("DELETE", "/logs/clear");
    assert.equal(refused.status, 400);
    assert.ok(existsSync(join(logs.folder, EXEC_1)));
    const one = await app.call("DELETE", `/logs/clear?file=${EXEC_1}&confirm=true`);
    assert.equal(one.status, 200);
    assert.equal(one.body.deleted, 1);
    assert.ok(one.body.totalSize > 0);
    assert.equal(typeof one.body.message, "string");
    assert.ok(!existsSync(join(logs.folder, EXEC_1)));
    const young = await app.call("DELETE", "/logs/clear?olderThanDays=1&confirm=true");
    assert.equal(young.body.deleted, 0);
    const access = await app.call("DELETE", "/logs/clear?type=access&confirm=true");
    assert.equal(access.body.deleted, 1);
    assert.ok(existsSync(join(logs.folder, EXEC_2)));
    const all = await app.call("DELETE", "/logs/clear?confirm=true");
    assert.equal(all.body.deleted, 2);
    assert.equal((await app.call("GET", "/logs/list")).body.count, 0);
  });
});
