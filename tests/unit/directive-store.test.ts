import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseDirectives } from "../../runtime/directives/parse.ts";
import { createDirectiveStore } from "../../runtime/directives/store.ts";
import { eventually } from "../lib/eventually.ts";

const SOURCES = [
  "return 1;",
  "// @mode worker\n// @timeout 5000\nreturn 1;",
  "// @cors https://a.example\n// @token s3cret\nreturn 1;",
  "// @timeout soon\n// @concurrent 0\nreturn 1;", // two refused values: defaults and warnings
  "// @schedule */5 * * * *\n// @tags a, b\nreturn 1;",
];

/** Settles the store's writes, which it does not wait for. */
async function filesIn(dir: string, count: number): Promise<string[]> {
  const names = () =>
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith(".json")).map((e) => e.name);
  assert.ok(
    await eventually(() => Promise.resolve(names().length >= count), 1000),
    `the store wrote fewer than ${count} files in ${dir}`,
  );
  return names();
}

test("the directive store answers what the parser does, from the parser and then from disk", async () => {
  const dir = mkdtempSync(join(tmpdir(), "directives-"));
  try {
    const store = createDirectiveStore(join(dir, "cache"));
    for (const source of SOURCES) {
      const { directives, warnings } = parseDirectives(source);
      assert.deepEqual(await store.read(source), { directives, warnings }, `miss: ${source}`);
    }
    assert.equal((await filesIn(join(dir, "cache"), SOURCES.length)).length, SOURCES.length);
    // A second store (a restarted server) reads them back.
    const again = createDirectiveStore(join(dir, "cache"));
    for (const source of SOURCES) {
      const { directives, warnings } = parseDirectives(source);
      assert.deepEqual(await again.read(source), { directives, warnings }, `hit: ${source}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a stored file is the source's own: an edit parses again, a damaged file is parsed over", async () => {
  const dir = mkdtempSync(join(tmpdir(), "directives-"));
  try {
    const store = createDirectiveStore(dir);
    assert.equal((await store.read("// @timeout 1000\nreturn 1;")).directives.timeout, 1000);
    assert.equal((await store.read("// @timeout 2000\nreturn 1;")).directives.timeout, 2000);
    const [first, second] = await filesIn(dir, 2);
    writeFileSync(join(dir, first!), "{ not json");
    writeFileSync(join(dir, second!), '{"directives": null}');
    const fresh = createDirectiveStore(dir);
    assert.equal((await fresh.read("// @timeout 1000\nreturn 1;")).directives.timeout, 1000);
    assert.equal((await fresh.read("// @timeout 2000\nreturn 1;")).directives.timeout, 2000);
    // Both were written again, whole.
    const rewritten = () =>
      Promise.resolve(
        [first!, second!].every((name) =>
          readFileSync(join(dir, name), "utf8").startsWith('{"directives":{')
        ),
      );
    assert.ok(await eventually(rewritten, 1000), "the damaged files were not replaced");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a store that cannot write still answers", async () => {
  const dir = mkdtempSync(join(tmpdir(), "directives-"));
  try {
    // A file where its folder should be: every write fails.
    writeFileSync(join(dir, "blocked"), "");
    const store = createDirectiveStore(join(dir, "blocked"));
    assert.equal((await store.read("// @mode worker\nreturn 1;")).directives.mode, "worker");
    assert.equal((await store.read("// @mode worker\nreturn 1;")).directives.mode, "worker");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
