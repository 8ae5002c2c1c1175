import { after, test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CACHE_KEEP_MS, entryOf, pruneCache } from "../../runtime/compile/cache-prune.ts";
import { type CompileResult, createCompiler } from "../../runtime/compile/compiler.ts";
import { eventually } from "../lib/eventually.ts";

const root = mkdtempSync(join(tmpdir(), "hoody-cache-prune-"));
after(() => rmSync(root, { recursive: true, force: true }));

const DAY = 24 * 60 * 60_000;
const LONG_AGO = new Date(Date.now() - CACHE_KEEP_MS - DAY);

/** Writes `names` under `dir`, dated `at`. */
function files(dir: string, names: string[], at = LONG_AGO): string[] {
  mkdirSync(dir, { recursive: true });
  return names.map((name) => {
    const path = join(dir, name);
    writeFileSync(path, name);
    utimesSync(path, at, at);
    return path;
  });
}

function hashOf(result: CompileResult): string {
  if (!result.ok) assert.fail(`expected a compiled module, got ${JSON.stringify(result.error)}`);
  return result.module.hash;
}

test("entryOf: the files of one cache entry share a name up to the first dot", () => {
  const cases: [string, string][] = [
    ["3f2a.mjs", "3f2a"],
    ["3f2a.json", "3f2a"],
    ["bundle-9c1e.require.mjs", "bundle-9c1e"],
    ["bundle-9c1e.bun-a7733435cf40.js.jsc", "bundle-9c1e"],
    [".3f2a.mjs.0a1b2c.tmp", ".3f2a.mjs.0a1b2c.tmp"],
    ["plain", "plain"],
  ];
  for (const [name, entry] of cases) assert.equal(entryOf(name), entry, name);
});

test("pruneCache removes whole entries unused for the keep time, and no other", async () => {
  const dir = join(root, "table");
  const old = files(dir, ["aaaa.mjs", "aaaa.json", ".aaaa.mjs.0a1b2c.tmp", "bundle-bb.mjs"]);
  const [fresh] = files(dir, ["bundle-bb.bun-a7733435cf40.js"], new Date());
  const held = files(dir, ["cccc.mjs", "cccc.json"]);
  const directives = files(join(dir, "directives"), ["dddd.json"]);
  const [recent] = files(join(dir, "directives"), ["eeee.json"], new Date());
  const [deeper] = files(join(dir, "directives", "more"), ["ffff.json"]);

  const removed = await pruneCache(dir, {
    keepMs: CACHE_KEEP_MS,
    inUse: (entry) => entry === "cccc",
  });

  const gone = [old[0]!, old[1]!, old[2]!, directives[0]!];
  assert.equal(removed, gone.length);
  for (const path of gone) assert.equal(existsSync(path), false, `${path} should be gone`);
  // An entry with one file used lately stays whole; so does one held; folders deeper than the
  // directive store's are not looked into.
  for (const path of [old[3]!, fresh!, ...held, recent!, deeper!]) {
    assert.equal(existsSync(path), true, `${path} should stay`);
  }
});

test("the compiler marks what it reads from its cache and prunes only what it does not hold", async () => {
  const cacheDir = join(root, "cache");
  const first = createCompiler({ cacheDir });
  const kept = hashOf(await first.compile("return 1;", "/scripts/1/kept.ts"));
  const unused = hashOf(await first.compile("return 2;", "/scripts/1/unused.ts"));
  const held = hashOf(await first.compile("return 3;", "/scripts/1/held.ts"));
  first.close();
  for (const hash of [kept, unused, held]) {
    for (const ext of ["mjs", "json"]) {
      utimesSync(join(cacheDir, `${hash}.${ext}`), LONG_AGO, LONG_AGO);
    }
  }

  // A server that starts later: it reads `kept` from the cache (which marks it used) and has
  // `held` in memory when its mark fails to land (here: put back to long ago).
  const later = createCompiler({ cacheDir });
  try {
    assert.equal(hashOf(await later.compile("return 1;", "/scripts/1/kept.ts")), kept);
    const mjs = join(cacheDir, `${kept}.mjs`);
    assert.ok(
      await eventually(() => Promise.resolve(statSync(mjs).mtimeMs > Date.now() - DAY)),
      "reading an entry from the cache marks it used",
    );
    assert.equal(hashOf(await later.compile("return 3;", "/scripts/1/held.ts")), held);
    await eventually(() =>
      Promise.resolve(statSync(join(cacheDir, `${held}.mjs`)).mtimeMs > Date.now() - DAY)
    );
    utimesSync(join(cacheDir, `${held}.mjs`), LONG_AGO, LONG_AGO);

    assert.equal(await later.prune(), 2);
    assert.equal(existsSync(join(cacheDir, `${unused}.mjs`)), false);
    assert.equal(existsSync(join(cacheDir, `${unused}.json`)), false);
    for (const hash of [kept, held]) assert.equal(existsSync(join(cacheDir, `${hash}.mjs`)), true);

    // A removed entry is only a miss: the next compile of its source writes it again.
    assert.equal(hashOf(await later.compile("return 2;", "/scripts/1/unused.ts")), unused);
    assert.equal(existsSync(join(cacheDir, `${unused}.mjs`)), true);
  } finally {
    later.close();
  }
});
