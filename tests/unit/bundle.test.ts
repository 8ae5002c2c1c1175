import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { bundle } from "../../runtime/compile/bundle.ts";

const ENTRY = fileURLToPath(new URL("../../runtime/sandbox/worker-entry.ts", import.meta.url));

test("the sandbox bundles into its entry and one part per lazily imported file", async () => {
  const files = await bundle(ENTRY, "sb");
  assert.deepEqual(
    Object.keys(files).sort(),
    ["sb.ai.mjs", "sb.mjs", "sb.require.mjs", "sb.shared.mjs", "sb.websocket.mjs"],
  );
  const main = files["sb.mjs"]!;
  assert.ok(main.includes('import(["./sb.websocket.mjs"][0])'), "the entry imports its part");
  assert.ok(!main.includes("createSockets(post"), "the WebSocket code is not in the entry");
  // Deno reads whatever a literal import() names when a Worker loads the module (bundle.ts).
  for (const [name, code] of Object.entries(files)) {
    assert.doesNotMatch(code, /import\("(\.|file:)/, `${name} has a literal lazy import`);
  }
});

test("two lazily imported files of one name are refused, not overwritten", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hoody-bundle-"));
  try {
    mkdirSync(join(dir, "a"));
    mkdirSync(join(dir, "b"));
    writeFileSync(join(dir, "a", "part.ts"), "export const a = 1;\n");
    writeFileSync(join(dir, "b", "part.ts"), "export const b = 2;\n");
    writeFileSync(
      join(dir, "entry.ts"),
      'export const load = () => [import("./a/part.ts"), import("./b/part.ts")];\n',
    );
    await assert.rejects(bundle(join(dir, "entry.ts"), "x"), /both named part/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
