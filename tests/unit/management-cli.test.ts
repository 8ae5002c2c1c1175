/** The CLI's quirks are endpoint record fields, read from the one ENDPOINTS list. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Command } from "commander";
import { createProgram } from "../../management/cli/program.ts";
import { ENDPOINTS } from "../../management/endpoints/index.ts";

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
});
