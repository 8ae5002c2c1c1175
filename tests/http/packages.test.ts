import assert from "node:assert/strict";
import type { Body } from "../lib/management-calls.ts";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createInstaller } from "../../runtime/packages/installer.ts";
import { tmpScripts } from "../lib/scripts-dir.ts";
import { managementCall, request, withServer } from "../lib/server.ts";

const call = managementCall;

test("package and dependencies endpoints: init, install a local folder (202 + status), compare, pin, check", async () => {
  await using server = await withServer({
    "pkgs/tiny-local/package.json": '{"name":"tiny-local","version":"2.0.1","main":"index.js"}',
    "pkgs/tiny-local/index.js": "module.exports = { answer: 42 };",
  });
  assert.equal((await call(server, "GET", "/package/read")).status, 404);
  const init = await call(server, "POST", "/package/init", {});
  assert.equal(init.status, 200);
  assert.equal((await call(server, "POST", "/package/init", {})).status, 409);

  const bad = await call(server, "POST", "/package/install", { packages: ["--evil"] });
  assert.equal(bad.status, 400);
  const started = await call(server, "POST", "/package/install", {
    packages: ["tiny-local@file:./pkgs/tiny-local"],
  });
  assert.equal(started.status, 202);
  assert.equal(started.body.status, "installing");
  let job: Body = {};
  for (;;) {
    job = (await call(server, "GET", `/package/install/status?jobId=${started.body.jobId}`)).body;
    if (job.status === "done" || job.status === "failed") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(job.status, "done", job.output);
  assert.equal(job.installed["tiny-local"], "2.0.1");

  const read = await call(server, "GET", "/package/read");
  assert.match(read.body.dependencies["tiny-local"], /file:/);
  const compare = await call(server, "POST", "/package/compare", {});
  assert.equal(compare.body.allInstalled, true);
  const check = await call(server, "POST", "/dependencies/check", {
    modules: "fs,tiny-local,nope-x",
  });
  assert.deepEqual(check.body.installed, ["fs", "tiny-local"]);
  assert.deepEqual(check.body.missing, ["nope-x"]);
  const again = await call(server, "POST", "/dependencies/install", { modules: ["tiny-local"] });
  assert.equal(again.body.details[0].status, "already-installed");

  await call(server, "POST", "/package/update", { dependencies: { "left-pad": "^1.3.0" } });
  const pin = await call(server, "POST", "/package/pin", { packages: ["left-pad"] });
  assert.deepEqual(pin.body.pinned, ["left-pad: ^1.3.0 → 1.3.0"]);
  await call(server, "POST", "/package/update", { remove: ["left-pad"] });

  const bundled = await call(server, "GET", "/dependencies/bundled");
  assert.ok(bundled.body.packages.includes("fs"));
  assert.equal(bundled.body.total, bundled.body.packages.length);

  server.dir.write("1/uses.ts", 'const t = require("tiny-local");\nreturn { answer: t.answer };');
  assert.deepEqual(await (await request(server, "/uses")).json(), { answer: 42 });
});

test("scripts/write installs a real registry package before activating it, pinned exactly", async () => {
  await using server = await withServer({ "1/keep.ts": "return 1;" });
  const { status, body } = await call(server, "POST", "/scripts/write", {
    path: "num.ts",
    content:
      'const isNumber = require("is-number");\nreturn { five: isNumber(5), x: isNumber("x") };',
  });
  assert.equal(status, 200, JSON.stringify(body));
  assert.deepEqual(body.steps.install, { installed: { "is-number": "7.0.0" } });
  const pkg = JSON.parse(readFileSync(join(server.dir.root, "package.json"), "utf8"));
  assert.equal(pkg.dependencies["is-number"], "7.0.0");
  assert.ok(
    existsSync(join(server.dir.root, "bun.lock")) || existsSync(join(server.dir.root, "deno.lock")),
  );
  assert.deepEqual(await (await request(server, "/num")).json(), { five: true, x: false });

  const failed = await call(server, "POST", "/scripts/write", {
    path: "num.ts",
    content: 'const x = require("hoody-no-such-package-zz8");\nreturn 2;',
  });
  assert.equal(failed.status, 500);
  assert.equal(failed.body.code, "INSTALL_FAILED");
  assert.equal(failed.body.step, "install");
  assert.deepEqual(await (await request(server, "/num")).json(), { five: true, x: false });
});

test("a hung install is killed as a process group at the timeout and changes nothing", async () => {
  await using dir = tmpScripts({ "package.json": '{"dependencies":{}}' });
  const marker = join(dir.root, "child-survived");
  const installer = createInstaller({
    root: dir.root,
    runtime: "bun",
    exec: "/bin/sh",
    timeoutMs: 300,
    // The "installer" writes package.json, then hangs with a child that would write later.
    command: () => [
      "/bin/sh",
      "-c",
      `echo broken > package.json; (sleep 2; touch ${marker}) & sleep 30`,
    ],
  });
  const job = await installer.install([{ name: "anything" }]).done;
  assert.equal(job.status, "failed");
  assert.match(job.error ?? "", /killed/);
  assert.equal(readFileSync(join(dir.root, "package.json"), "utf8"), '{"dependencies":{}}');
  await new Promise((r) => setTimeout(r, 2500));
  assert.ok(!existsSync(marker), "the installer's child outlived the timeout");
});
