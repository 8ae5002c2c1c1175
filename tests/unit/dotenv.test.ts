import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createDotenvFiles } from "../../runtime/server/dotenv.ts";
import { tmpScripts } from "../lib/scripts-dir.ts";

describe("createDotenvFiles", () => {
  const files = {
    "1/.env": "A=top\nB=top\n",
    "1/x/.env": "B=x\nC=x\n",
    "1/x/y/z.ts": "return 1;",
    "1/w/.env/README": "a folder named .env holds no variables",
  };

  const cases: [string, Record<string, string> | null][] = [
    ["", { A: "top", B: "top" }],
    ["x", { A: "top", B: "x", C: "x" }],
    ["x/y", { A: "top", B: "x", C: "x" }],
    ["w", { A: "top", B: "top" }],
    ["nowhere/deep", { A: "top", B: "top" }],
  ];
  for (const [folder, expected] of cases) {
    test(`a script in "${folder}" gets ${JSON.stringify(expected)}`, async () => {
      await using dir = tmpScripts(files);
      const warnings: string[] = [];
      const dotenv = createDotenvFiles(`${dir.root}/1`, (line) => warnings.push(line));
      assert.deepEqual(dotenv.forFolder(folder), expected);
      assert.deepEqual(warnings, []);
    });
  }

  test("no .env anywhere: null", async () => {
    await using dir = tmpScripts({ "2/a/b.ts": "return 1;" });
    const dotenv = createDotenvFiles(`${dir.root}/2`, () => {});
    assert.equal(dotenv.forFolder("a"), null);
  });

  test("the same object until changed(), then the file as it is now", async () => {
    await using dir = tmpScripts(files);
    const dotenv = createDotenvFiles(`${dir.root}/1`, () => {});
    const first = dotenv.forFolder("x");
    assert.equal(dotenv.forFolder("x"), first);
    dir.write("1/x/.env", "B=edited\n");
    assert.equal(dotenv.forFolder("x"), first, "read once until told of a change");
    dotenv.changed();
    assert.deepEqual(dotenv.forFolder("x"), { A: "top", B: "edited" });
  });

  test("an oversized .env is not read, and says so", async () => {
    await using dir = tmpScripts({ "1/.env": `BIG=${"x".repeat(300 * 1024)}\n` });
    const warnings: string[] = [];
    const dotenv = createDotenvFiles(`${dir.root}/1`, (line) => warnings.push(line));
    assert.equal(dotenv.forFolder(""), null);
    assert.match(warnings.join("\n"), /^\.env is over 256 KiB: not read$/);
  });
});
