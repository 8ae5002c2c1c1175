import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createHeavyScripts } from "../../runtime/host/heavy-scripts.ts";
import type { Unit } from "../../runtime/protocol/messages.ts";

const dir = mkdtempSync(join(tmpdir(), "hoody-heavy-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** What the heavy list reads of a unit: its instance and main file. */
const unit = (instance: string, file: string) => ({ instance, main: { file } }) as Unit;

test("heavy scripts are known by instance and file, kept in their file, the oldest forgotten past the limit", async () => {
  const file = join(dir, "heavy.json");
  const heavy = createHeavyScripts(file, 2);
  heavy.add(unit("1", "a.ts"));
  heavy.add(unit("1", "b.ts"));
  heavy.add(unit("1", "a.ts")); // known already: no change
  heavy.add(unit("2", "a.ts"));
  await heavy.flush();
  assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), ["1:b.ts", "2:a.ts"]);

  const next = createHeavyScripts(file, 2);
  assert.deepEqual(
    [unit("1", "a.ts"), unit("1", "b.ts"), unit("2", "a.ts")].map((u) => next.has(u)),
    [false, true, true],
  );
});

test("a missing or damaged file starts an empty list; without a file nothing is written", async () => {
  for (const content of [null, "not json", '{"1:a.ts": true}', '[1, "1:a.ts"]']) {
    const file = join(dir, "start.json");
    rmSync(file, { force: true });
    if (content !== null) writeFileSync(file, content);
    const heavy = createHeavyScripts(file);
    assert.equal(heavy.has(unit("1", "a.ts")), content === '[1, "1:a.ts"]', String(content));
  }
  const memoryOnly = createHeavyScripts(null);
  memoryOnly.add(unit("1", "a.ts"));
  await memoryOnly.flush();
  assert.equal(memoryOnly.has(unit("1", "a.ts")), true);
});
