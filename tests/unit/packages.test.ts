import assert from "node:assert/strict";
import { test } from "node:test";
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
