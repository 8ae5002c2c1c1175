/** The version bounds as serve options: flag, environment variable, default, range. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveConfig } from "../../runtime/server/config.ts";
import { readServeCommand } from "../../runtime/server/flags.mjs";

test("--versions-keep and --versions-max-bytes: flag, else env, else the default", () => {
  const ROWS: [string[], Record<string, string>, number, number][] = [
    [["serve"], {}, 50, 128 * 1024 * 1024],
    [["serve", "--versions-keep", "3"], {}, 3, 128 * 1024 * 1024],
    [["serve"], { HOODY_EXEC_VERSIONS_KEEP: "7", HOODY_EXEC_VERSIONS_MAX_BYTES: "4096" }, 7, 4096],
    [["serve", "--versions-max-bytes", "10"], { HOODY_EXEC_VERSIONS_MAX_BYTES: "99" }, 50, 10],
  ];
  for (const [argv, env, keep, maxBytes] of ROWS) {
    const config = resolveConfig(readServeCommand(argv, env).config, "bun");
    assert.equal(config.versionsKeep, keep, argv.join(" "));
    assert.equal(config.versionsMaxBytes, maxBytes, argv.join(" "));
  }
});

test("a bound that is not a positive integer is refused, naming the flag", () => {
  assert.throws(
    () => resolveConfig({ versionsKeep: 0 }, "bun"),
    /--versions-keep must be a positive/,
  );
  assert.throws(
    () => resolveConfig({ versionsMaxBytes: -1 }, "bun"),
    /--versions-max-bytes must be a positive/,
  );
  assert.throws(
    () => readServeCommand(["serve", "--versions-keep", "many"], {}),
    /--versions-keep must be an integer \(got "many"\)/,
  );
});
