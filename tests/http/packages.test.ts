import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tmpScripts } from "../lib/scripts-dir.ts";
import { managementCall, request, startServer } from "../lib/server.ts";

// deno-lint-ignore no-explicit-any
type Body = Record<string, any>;

const call = managementCall;

test("package and dependencies endpoints: init, install a local folder (202 + status), compare, pin, check", async () => {
  await using dir = tmpScripts({
    "pkgs/tiny-local/package.json": '{"name":"tiny-local","version":"2.0.1","main":"index.js"}',
    "pkgs/tiny-local/index.js": "module.exports = { answer: 42 };",
  });
  const server = await startServer(dir.root);
  try {
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

    dir.write("1/uses.ts", 'const t = require("tiny-local");\nreturn { answer: t.answer };');
    assert.deepEqual(await (await request(server, "/uses")).json(), { answer: 42 });
  } finally {
    await server.stop();
  }
});

test("scripts/write installs a real registry package before activating it, pinned exactly", async () => {
  await using dir = tmpScripts({ "1/keep.ts": "return 1;" });
  const server = await startServer(dir.root);
  try {
    const { status, body } = await call(server, "POST", "/scripts/write", {
      path: "num.ts",
      content:
        'const isNumber = require("is-number");\nreturn { five: isNumber(5), x: isNumber("x") };',
    });
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body.steps.install, { installed: { "is-number": "7.0.0" } });
    const pkg = JSON.parse(readFileSync(join(dir.root, "package.json"), "utf8"));
    assert.equal(pkg.dependencies["is-number"], "7.0.0");
    assert.ok(existsSync(join(dir.root, "bun.lock")) || existsSync(join(dir.root, "deno.lock")));
    assert.deepEqual(await (await request(server, "/num")).json(), { five: true, x: false });

    const failed = await call(server, "POST", "/scripts/write", {
      path: "num.ts",
      content: 'const x = require("hoody-no-such-package-zz8");\nreturn 2;',
    });
    assert.equal(failed.status, 500);
    assert.equal(failed.body.code, "INSTALL_FAILED");
    assert.equal(failed.body.step, "install");
    assert.deepEqual(await (await request(server, "/num")).json(), { five: true, x: false });
  } finally {
    await server.stop();
  }
});
