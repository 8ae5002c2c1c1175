/**
 * The version store on a real temporary folder: names are whole records, numbers count up, and the
 * per-script and total-bytes bounds prune the oldest first.
 */
import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { sha256Hex } from "../../runtime/hex.ts";
import {
  keepVersion,
  listVersions,
  parseVersionName,
  readVersion,
  toVersionName,
  type VersionRecord,
} from "../../management/versions/store.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

test("a version file's name is its record, and nothing else parses as one", () => {
  const hash = "ab".repeat(32);
  const record: VersionRecord = {
    version: 12,
    time: "2026-12-03T11:40:00.123Z",
    size: 532,
    hash,
    change: "magic-comments",
  };
  assert.equal(toVersionName(record), `12.${Date.parse(record.time)}.532.magic-comments.${hash}`);
  assert.deepEqual(parseVersionName(toVersionName(record)), record);
  const NOT_VERSIONS = [
    `.12.1.1.write.${hash}.0a1b2c.tmp`, // a crashed write's temp file
    `12.1.1.write.${hash.slice(1)}`,
    `12.1.1.Write.${hash}`,
    `x.1.1.write.${hash}`,
    "",
  ];
  for (const name of NOT_VERSIONS) assert.equal(parseVersionName(name), null, name);
});

describe("version store", () => {
  let dir: ScriptsDir;
  before(() => {
    dir = tmpScripts({});
  });
  after(async () => await dir[Symbol.asyncDispose]());

  test("keeps each content as the next number, newest first, readable back", async () => {
    for (const content of ["one", "two", "three"]) {
      await keepVersion(dir.root, "1", "a.ts", bytes(content), "write");
    }
    const listed = await listVersions(dir.root, "1", "a.ts");
    assert.deepEqual(listed.map((v) => v.version), [3, 2, 1]);
    assert.equal(listed[2]!.hash, await sha256Hex("one"));
    assert.equal(listed[2]!.size, 3);
    assert.equal(text((await readVersion(dir.root, "1", "a.ts", 1)).content), "one");
    assert.deepEqual(await listVersions(dir.root, "1", "other.ts"), []);
    assert.deepEqual(await listVersions(dir.root, "2", "a.ts"), []);
  });

  test("an unknown version is a 404 naming the versions there are", async () => {
    await assert.rejects(readVersion(dir.root, "1", "a.ts", 9), (error: Error) => {
      assert.equal((error as { code?: string }).code, "NOT_FOUND");
      assert.match(error.message, /No version 9 of 1\/a\.ts \(it has 3, 2, 1\)/);
      return true;
    });
    await assert.rejects(readVersion(dir.root, "1", "none.ts", 1), /it has none/);
  });

  test("ignores a crashed write's temp file beside the versions", async () => {
    const folder = join(dir.root, "_hoody", "versions", "1");
    const [key] = readdirSync(folder);
    writeFileSync(join(folder, key!, `.3.1.1.write.${"0".repeat(64)}.abc.tmp`), "half");
    assert.equal((await listVersions(dir.root, "1", "a.ts")).length, 3);
  });

  test("past the per-script bound, the oldest of that script go", async () => {
    const limits = { perScript: 3, totalBytes: 1 << 30 };
    for (let i = 1; i <= 5; i++) {
      await keepVersion(dir.root, "1", "bounded.ts", bytes(`v${i}`), "write", limits);
    }
    const listed = await listVersions(dir.root, "1", "bounded.ts");
    assert.deepEqual(listed.map((v) => v.version), [5, 4, 3]);
    assert.equal(text((await readVersion(dir.root, "1", "bounded.ts", 3)).content), "v3");
    assert.equal((await listVersions(dir.root, "1", "a.ts")).length, 3, "other scripts untouched");
  });

  test("past the total bound, the oldest of any script go first", async () => {
    const root = tmpScripts({});
    try {
      const limits = { perScript: 50, totalBytes: 30 };
      await keepVersion(root.root, "1", "old.ts", bytes("o".repeat(10)), "write", limits);
      await keepVersion(root.root, "2", "mid.ts", bytes("m".repeat(10)), "delete", limits);
      await keepVersion(root.root, "1", "new.ts", bytes("n".repeat(10)), "move", limits);
      assert.equal((await listVersions(root.root, "1", "old.ts")).length, 1, "30 bytes fit");
      await keepVersion(root.root, "1", "new.ts", bytes("N".repeat(15)), "write", limits);
      assert.deepEqual(await listVersions(root.root, "1", "old.ts"), []);
      assert.deepEqual(await listVersions(root.root, "2", "mid.ts"), []);
      assert.deepEqual((await listVersions(root.root, "1", "new.ts")).map((v) => v.size), [15, 10]);
    } finally {
      await root[Symbol.asyncDispose]();
    }
  });
});
