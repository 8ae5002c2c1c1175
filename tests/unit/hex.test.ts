import assert from "node:assert/strict";
import { test } from "node:test";
import { randomHex, sha256Hex } from "../../runtime/hex.ts";
import { safeEqual } from "../../runtime/safe-equal.ts";

test("safeEqual is true only for the same string", () => {
  const ROWS: [string, string, boolean][] = [
    ["secret", "secret", true],
    ["secret", "secreT", false],
    ["secret", "secre", false], // a prefix
    ["secret", "secrets", false], // longer
    ["secret", "", false],
    ["", "", true],
    ["", "x", false],
    ["ab", "ba", false],
    ["é", "é", true], // compared as UTF-8 bytes
    ["é", "e", false],
    ["tok\u0000", "tok", false],
  ];
  for (const [expected, presented, equal] of ROWS) {
    assert.equal(safeEqual(expected, presented), equal, `${expected} vs ${presented}`);
  }
});

test("randomHex gives the asked number of bytes as lowercase hex, different each time", () => {
  for (const bytes of [1, 4, 18, 24]) {
    const value = randomHex(bytes);
    assert.match(value, new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
  }
  const seen = new Set(Array.from({ length: 100 }, () => randomHex(8)));
  assert.equal(seen.size, 100);
});

test("sha256Hex matches the standard test vectors", async () => {
  const ROWS: [string, string][] = [
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    ["é", "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c"],
  ];
  for (const [text, digest] of ROWS) assert.equal(await sha256Hex(text), digest, text);
});
