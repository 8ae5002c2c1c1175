import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createInstaller } from "../../runtime/packages/installer.ts";
import {
  isValidPackageName,
  packageNameOf,
  parseInstallSpec,
} from "../../runtime/packages/names.ts";

test("package names: npm rules, scopes; built-ins and runtime specifiers never reach the installer", () => {
  for (const ok of ["lodash", "@scope/pkg", "is-number", "a.b_c~d"]) {
    assert.ok(isValidPackageName(ok), ok);
  }
  for (const bad of ["", "-rf", "../x", "/etc", "Upper", "a b", "http://x", "@scope", ".hidden"]) {
    assert.ok(!isValidPackageName(bad), bad);
  }
  assert.equal(packageNameOf("lodash/fp"), "lodash");
  assert.equal(packageNameOf("@a/b/c"), "@a/b");
  assert.equal(packageNameOf("npm:x"), "x");
  for (const skip of ["fs", "node:fs", "bun:sqlite", "jsr:@std/http", "./x", "/abs"]) {
    assert.equal(packageNameOf(skip), null, skip);
  }
  assert.deepEqual(parseInstallSpec("is-number@7.0.0"), { name: "is-number", version: "7.0.0" });
  assert.deepEqual(parseInstallSpec("@a/b@^1"), { name: "@a/b", version: "^1" });
  for (const bad of ["--ignore-scripts=false", "x@git+https://e.com/x", "x@$(id)", "fs"]) {
    assert.throws(() => parseInstallSpec(bad), bad);
  }
});

test("a hung install is killed as a process group at the timeout and changes nothing", async () => {
  const root = mkdtempSync(join(tmpdir(), "hoody-exec-install-"));
  try {
    writeFileSync(join(root, "package.json"), '{"dependencies":{}}');
    const marker = join(root, "child-survived");
    const installer = createInstaller({
      root,
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
    assert.equal(readFileSync(join(root, "package.json"), "utf8"), '{"dependencies":{}}');
    await new Promise((r) => setTimeout(r, 2500));
    assert.ok(!existsSync(marker), "the installer's child outlived the timeout");
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
