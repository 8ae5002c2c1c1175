/** The CLI's quirks are endpoint record fields, read from the one ENDPOINTS list. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Command } from "commander";
import { createProgram } from "../../management/cli/program.ts";
import { ENDPOINTS } from "../../management/endpoints/index.ts";
import { colourLine, wantsColour } from "../../management/cli/stream.ts";

const commandAt = (path: string[]): Command => {
  let command: Command = createProgram();
  for (const name of path) {
    const next = command.commands.find((c) => c.name() === name);
    assert.ok(next, `no command ${path.join(" ")}`);
    command = next;
  }
  return command;
};

describe("CLI record fields", () => {
  test("cli.fileFlag adds --<field>-file: scripts write --content-file", () => {
    const flags = commandAt(["scripts", "write"]).options.map((o) => o.long);
    assert.ok(flags.includes("--content-file"), flags.join(" "));
    assert.ok(!commandAt(["scripts", "read"]).options.some((o) => o.long === "--content-file"));
  });

  test("every cli.follow names a GET endpoint of the list", () => {
    const follows = ENDPOINTS.flatMap((e) => e.cli.follow ? [[e.path, e.cli.follow]] : []);
    assert.deepEqual(follows, [["/package/install", "/package/install/status"]]);
    for (const [, path] of follows) {
      assert.ok(ENDPOINTS.some((e) => e.path === path && e.method === "GET"), path);
    }
  });

  test("cli.stream: logs stream, the only Server-Sent Events endpoint, a GET", () => {
    const streams = ENDPOINTS.filter((e) => e.cli.stream).map((e) => `${e.method} ${e.path}`);
    assert.deepEqual(streams, ["GET /logs/stream"]);
    const flags = commandAt(["logs", "stream"]).options.map((o) => o.long);
    assert.ok(flags.includes("--follow") && flags.includes("--no-follow"), flags.join(" "));
  });

  test("logs stream colours by level on a terminal only, never with NO_COLOR", () => {
    const error = "2026-12-03T09:00:00.000Z [ERROR] [a.ts -] boom";
    assert.equal(colourLine(error, true), `\x1b[31m${error}\x1b[0m`);
    assert.equal(colourLine(error, false), error);
    assert.equal(colourLine("not a log line", true), "not a log line");
    assert.equal(wantsColour({ isTTY: true }, {}), true);
    assert.equal(wantsColour({ isTTY: true }, { NO_COLOR: "1" }), false);
    assert.equal(wantsColour({ isTTY: false }, {}), false);
    assert.equal(wantsColour({}, {}), false);
  });
});
