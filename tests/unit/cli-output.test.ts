import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatBody, type OutputFormat } from "../../management/cli/output.ts";

const LONG = "x".repeat(80);
const BODY = { count: 1, scripts: [{ name: "a.ts", note: LONG }] };

describe("formatBody", () => {
  const cases: [OutputFormat, unknown, string][] = [
    ["json", { a: 1 }, '{\n  "a": 1\n}\n'],
    ["raw", { a: 1, b: [1, 2] }, '{"a":1,"b":[1,2]}\n'],
    ["raw", "plain text", "plain text\n"],
    ["yaml", { a: 1 }, "a: 1\n"],
    ["table", BODY, `NAME  NOTE\na.ts  ${"x".repeat(60)}\n`],
    ["wide", BODY, `NAME  NOTE\na.ts  ${LONG}\n`],
    ["wide", { a: 1 }, "KEY  VALUE\na    1\n"],
  ];
  for (const [format, body, expected] of cases) {
    test(`-o ${format} ${JSON.stringify(body).slice(0, 40)}`, () =>
      assert.equal(formatBody(body, format), expected));
  }
});
