import assert from "node:assert/strict";
import { test } from "node:test";
import { type AccessFields, AccessLine, tenths } from "../../runtime/logs/format.ts";
import { escapeLogText, execLine } from "../../runtime/protocol/log-line.ts";
import { formatArgs } from "../../runtime/sandbox/console.ts";

test("escapeLogText leaves no character that could end or forge a line", () => {
  const ROWS: [string, string][] = [
    ["plain", "plain"],
    ["a\nb", "a\\nb"],
    ["a\r\nb", "a\\r\\nb"],
    ["tab\there", "tab\\u0009here"],
    ["\u0000\u001b[31m", "\\u0000\\u001b[31m"],
    ["del\u007f", "del\\u007f"],
    ["ls\u2028ps\u2029", "ls\\u2028ps\\u2029"],
    ["é ✓ 😀", "é ✓ 😀"],
    ["back\\slash", "back\\slash"],
  ];
  for (const [input, output] of ROWS) assert.equal(escapeLogText(input), output, input);
});

/** The access line as the file gets it: written into a buffer of its room, read back. */
function accessLine(
  fields: AccessFields,
  headerNames: string[] | null = null,
  body: string | null = null,
): string {
  const line = new AccessLine(fields, headerNames, body);
  const out = new Uint8Array(line.room);
  return new TextDecoder().decode(out.subarray(0, line.write(out, 0)));
}

test("execLine and the access line follow the contract", () => {
  const at = Date.UTC(2026, 11, 3, 9, 0, 0, 0);
  const ROWS: [string, string][] = [
    [
      execLine(at, "info", "api/users/[id].ts", "abc", "hi\nthere"),
      "2026-12-03T09:00:00.000Z [INFO] [api/users/[id].ts abc] hi\\nthere\n",
    ],
    [execLine(at, "debug", "x.ts", null, ""), "2026-12-03T09:00:00.000Z [DEBUG] [x.ts -] \n"],
    [
      accessLine({
        startedAt: at,
        script: "hello.ts",
        executionId: "abc",
        method: "GET",
        path: "/hello",
        status: 200,
        durationMs: 1.44,
        clientIp: "127.0.0.1",
      }),
      "2026-12-03T09:00:00.000Z [ACCESS] [hello.ts abc] GET /hello 200 1.4ms 127.0.0.1\n",
    ],
    [
      accessLine(
        {
          startedAt: at,
          script: null,
          executionId: null,
          method: "POST",
          path: "/x",
          status: 404,
          durationMs: 0,
          clientIp: "::1",
        },
        ["host", "accept"],
        "a\nb".padEnd(5000, "z"),
      ),
      `2026-12-03T09:00:00.000Z [ACCESS] [- -] POST /x 404 0.0ms ::1 headers=host,accept body=a\\nb${
        "z".repeat(4093)
      }\n`,
    ],
  ];
  for (const [got, want] of ROWS) assert.equal(got, want);
});

test("an access line escapes whatever a request put in it, within its room", () => {
  const at = Date.UTC(2026, 11, 3, 9, 0, 0, 0);
  const nasty = "\u0000\u001f\u007f\u2028\n".repeat(50);
  const fields: AccessFields = {
    startedAt: at,
    script: "é/✓.ts",
    executionId: "abc",
    method: "GET",
    path: `/p${nasty}😀`,
    status: 200,
    durationMs: 1e9,
    clientIp: `1.2.3.4${nasty}`,
  };
  const escaped = escapeLogText(nasty);
  assert.equal(
    accessLine(fields, ["x-a", `x-${nasty}`], nasty),
    `2026-12-03T09:00:00.000Z [ACCESS] [é/✓.ts abc] GET /p${escaped}😀 200 1000000000.0ms ` +
      `1.2.3.4${escaped} headers=x-a,x-${escaped} body=${escaped}\n`,
  );
});

test("formatArgs formats like util.format", () => {
  const ROWS: [unknown[], string][] = [
    [["a", 1, true], "a 1 true"],
    [["%s=%d", "n", 4.5], "n=4.5"],
    [["%i%%", 4.5], "4%"],
    [["%j", { a: [1] }], '{"a":[1]}'],
    [["%s"], "%s"],
    [[{ x: 1 }], "{ x: 1 }"],
    [[null, undefined], "null undefined"],
  ];
  for (const [args, want] of ROWS) assert.equal(formatArgs(args), want, JSON.stringify(args));
  const error = new Error("boom");
  assert.equal(formatArgs([error]), error.stack);
});

test("tenths writes a duration to the tenth as toFixed(1) does", () => {
  for (const ms of [0, 0.04, 0.05, 0.06, 0.94, 0.96, 1, 1.44, 9.96, 12, 123.45, 99999.99]) {
    assert.equal(tenths(ms), ms.toFixed(1), String(ms));
  }
  for (const ms of [-1, NaN, 1e9]) assert.equal(tenths(ms), ms.toFixed(1), String(ms));
});
