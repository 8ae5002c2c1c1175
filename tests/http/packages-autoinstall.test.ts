import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { request, withServer } from "../lib/server.ts";

/** A tiny package in a folder next to the scripts: installable with no network. */
const localPackage = (name: string) => ({
  [`pkgs/${name}/package.json`]: JSON.stringify({ name, version: "1.2.3", main: "index.js" }),
  [`pkgs/${name}/index.js`]: 'module.exports = (who) => "hello " + who;',
});

test("a script's declared local package is installed on its first request, with no other step", async () => {
  await using server = await withServer({
    "1/greet.ts": 'const greet = require("local-greet");\nreturn { text: greet("you") };',
    "package.json": JSON.stringify({ dependencies: { "local-greet": "file:./pkgs/local-greet" } }),
    ...localPackage("local-greet"),
  });
  const { root } = server.dir;
  const first = await request(server, "/greet");
  assert.equal(first.status, 200, await first.clone().text());
  assert.deepEqual(await first.json(), { text: "hello you" });
  assert.ok(existsSync(join(root, "node_modules", "local-greet", "package.json")));
  const again = await request(server, "/greet");
  assert.deepEqual(await again.json(), { text: "hello you" });
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  assert.match(pkg.dependencies["local-greet"], /^file:/);
});

test("a package that does not exist answers 500 INSTALL_FAILED and leaves package.json, lockfile and node_modules as they were", async () => {
  const pkgJson = JSON.stringify({ name: "scripts", dependencies: {} }, null, 2);
  await using server = await withServer({
    "1/bad.ts": 'const x = require("hoody-no-such-package-zz9");\nreturn { x };',
    "package.json": pkgJson,
    "node_modules/keep-me/package.json": '{"name":"keep-me","version":"1.0.0"}',
  });
  const { root } = server.dir;
  const response = await request(server, "/bad");
  assert.equal(response.status, 500);
  const body = await response.json() as { code: string; error: string };
  assert.equal(body.code, "INSTALL_FAILED");
  assert.match(body.error, /hoody-no-such-package-zz9/);
  assert.equal(readFileSync(join(root, "package.json"), "utf8"), pkgJson);
  for (const lock of ["bun.lock", "deno.lock"]) assert.ok(!existsSync(join(root, lock)));
  assert.ok(existsSync(join(root, "node_modules", "keep-me", "package.json")));
  assert.ok(!existsSync(join(root, "node_modules", "hoody-no-such-package-zz9")));
});

test("an ESM import of a registry package (with a dependency of its own) answers on the first request in a fresh root, in both modes", async () => {
  await using server = await withServer({
    "1/odd.ts": 'import isOdd from "is-odd";\nexport default () => ({ odd: isOdd(3) });',
    "1/odd-worker.ts":
      '// @mode worker\nimport isOdd from "is-odd";\nexport default () => ({ odd: isOdd(4) });',
  });
  const first = await request(server, "/odd");
  assert.equal(first.status, 200, await first.clone().text());
  assert.deepEqual(await first.json(), { odd: true });
  const worker = await request(server, "/odd-worker");
  assert.equal(worker.status, 200, await worker.clone().text());
  assert.deepEqual(await worker.json(), { odd: false });
});
