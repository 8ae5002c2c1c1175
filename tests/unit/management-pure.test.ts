import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { rewriteHeader } from "../../management/comment-header.ts";
import { parseChanges } from "../../management/comment-changes.ts";
import { isUnderManagement, parseRelativePath } from "../../management/paths.ts";
import { parseDotPath } from "../../management/shared-values.ts";
import type { ServerError } from "../../runtime/errors.ts";

describe("rewriteHeader", () => {
  const cases: [string, string, Record<string, string | null>, string][] = [
    ["adds to an empty file", "", { mode: "worker" }, "// @mode worker\n"],
    ["adds above code", "return 1;\n", { mode: "worker" }, "// @mode worker\nreturn 1;\n"],
    [
      "replaces in place",
      "// @mode serverless\nreturn 1;",
      { mode: "worker" },
      "// @mode worker\nreturn 1;",
    ],
    [
      "adds after the last directive",
      "// @mode worker\n// plain\nx();",
      { timeout: "5" },
      "// @mode worker\n// @timeout 5\n// plain\nx();",
    ],
    [
      "removes with null",
      "// @mode worker\n// @timeout 5\nx();",
      { timeout: null },
      "// @mode worker\nx();",
    ],
    [
      "keeps CRLF",
      "// @mode worker\r\nx();\r\n",
      { timeout: "5" },
      "// @mode worker\r\n// @timeout 5\r\nx();\r\n",
    ],
    [
      "keeps a shebang first",
      "#!/usr/bin/env bun\nx();",
      { mode: "worker" },
      "#!/usr/bin/env bun\n// @mode worker\nx();",
    ],
    ["keeps a BOM", "\uFEFFx();", { mode: "worker" }, "\uFEFF// @mode worker\nx();"],
    ["drops duplicates, keeps the winner's place", "// @mode a\n// @mode b\nx();", {
      mode: "worker",
    }, "// @mode worker\nx();"],
    ["leaves code that looks like a directive alone", "x();\n// @mode serverless\n", {
      mode: "worker",
    }, "// @mode worker\nx();\n// @mode serverless\n"],
    [
      "skips a block comment",
      "/*\n// @mode a\n*/\nx();",
      { mode: "worker" },
      "// @mode worker\n/*\n// @mode a\n*/\nx();",
    ],
  ];
  for (const [name, source, changes, expected] of cases) {
    test(
      name,
      () => assert.equal(rewriteHeader(source, new Map(Object.entries(changes))), expected),
    );
  }
});

describe("parseChanges", () => {
  const ok: [string, string | Record<string, unknown>, Record<string, string | null>][] = [
    ["an object", { mode: "worker", timeout: 5000 }, { mode: "worker", timeout: "5000" }],
    ["null removes", { tags: null }, { tags: null }],
    ["a // block", "// @mode worker\n// @timeout 5000", { mode: "worker", timeout: "5000" }],
    ["the original CLI's bare lines", "@label Nightly\n@enabled true", {
      label: "Nightly",
      enabled: "true",
    }],
    ["blank lines and CRLF", "\r\n// @mode worker\r\n\n", { mode: "worker" }],
  ];
  for (const [name, input, expected] of ok) {
    test(`reads ${name}`, () =>
      assert.deepEqual(Object.fromEntries(parseChanges(input)), expected));
  }
  const bad: [string, string | Record<string, unknown>, string][] = [
    ["an empty block", "", "comments object is required"],
    ["an empty object", {}, "comments object is required"],
    [
      "a line that is no directive",
      "mode worker",
      'Every line of comments must read "// @name value" or "@name value" (got "mode worker")',
    ],
    ["an unknown directive", { nonsense: 1 }, "Unknown directive @nonsense"],
  ];
  for (const [name, input, message] of bad) {
    test(`refuses ${name} with the bare message`, () =>
      assert.throws(() => parseChanges(input), (error: ServerError) => error.message === message));
  }
});

describe("parseRelativePath", () => {
  const ok: [string, string][] = [
    ["hello.ts", "hello.ts"],
    ["api/users/[id].ts", "api/users/[id].ts"],
    ["a%20b.ts", "a b.ts"],
    ["100%.ts", "100%.ts"],
    ["dir/", "dir"],
  ];
  for (const [input, expected] of ok) {
    test(`accepts ${JSON.stringify(input)}`, () =>
      assert.equal(parseRelativePath(input, "path"), expected));
  }
  // Traversal and excluded paths are 403; other malformed paths 400.
  const bad: [string, number][] = [
    ["../x.ts", 403],
    ["a/../../x.ts", 403],
    ["..%2fx.ts", 403],
    ["%2e%2e/x.ts", 403],
    ["%252e%252e/x.ts", 403],
    ["..", 403],
    ["/etc/passwd", 400],
    ["C:/x.ts", 400],
    ["a\\b.ts", 400],
    ["a\u0000.ts", 400],
    ["a%00.ts", 400],
    ["a\u007f.ts", 400],
    ["a//b.ts", 400],
    ["./a.ts", 400],
    ["node_modules/x.js", 403],
    ["api/v1/exec/x.ts", 403],
    ["api/v1/exec.ts", 403],
    ["", 400],
    [`${"a".repeat(256)}.ts`, 400],
  ];
  for (const [input, status] of bad) {
    test(`refuses ${JSON.stringify(input)} with ${status}, the message naming no field prefix`, () =>
      assert.throws(
        () => parseRelativePath(input, "path"),
        (error: ServerError) => error.status === status && !error.message.startsWith("path:"),
      ));
  }
  test("allows the instance folder itself only when asked", () => {
    assert.equal(parseRelativePath("", "dir", true), "");
  });
});

describe("isUnderManagement", () => {
  for (
    const [file, expected] of [
      ["api/v1/exec/index.ts", true],
      ["api/v1/exec/[...all].ts", true],
      ["api/v1/execute.ts", false],
      ["api/v1/other.ts", false],
    ] as const
  ) {
    test(`${file} -> ${expected}`, () => assert.equal(isUnderManagement(file), expected));
  }
});

describe("parseDotPath", () => {
  test("splits on dots", () =>
    assert.deepEqual(parseDotPath("deploy.lastSha"), ["deploy", "lastSha"]));
  test("no path is the whole state", () => assert.deepEqual(parseDotPath(undefined), []));
  for (const path of ["__proto__", "a.constructor", "a.prototype.b", "a..b", ".a"]) {
    test(`refuses ${path}`, () => assert.throws(() => parseDotPath(path)));
  }
});
