/** `--max-workers`: given, it wins on either runtime; else each runtime's default (config.ts). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveConfig } from "../../runtime/server/config.ts";
import { readServeCommand } from "../../runtime/server/flags.mjs";

test("--max-workers: the flag, else about the same memory on either runtime", () => {
  const ROWS: ["bun" | "deno", string[], number][] = [
    ["bun", ["serve"], 256],
    ["deno", ["serve"], 64],
    ["deno", ["serve", "--max-workers", "300"], 300],
    ["bun", ["serve", "--max-workers", "8"], 8],
  ];
  for (const [runtime, argv, expected] of ROWS) {
    const config = resolveConfig(readServeCommand(argv, {}).config, runtime);
    assert.equal(
      config.maxWorkers,
      expected,
      `${runtime} ${argv.join(" ")}`,
    );
  }
  assert.throws(() => resolveConfig({ maxWorkers: 0 }, "deno"), /--max-workers must be a positive/);
});
