import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { packageNameOf } from "../../runtime/packages/names.ts";
import {
  type PackageSpecifier,
  parsePackageSpecifier,
} from "../../runtime/protocol/package-name.ts";

describe("parsePackageSpecifier (the compiler, the installer and the sandbox's require)", () => {
  const rows: [string, PackageSpecifier | null][] = [
    ["lodash", { name: "lodash", subpath: "" }],
    ["lodash/fp", { name: "lodash", subpath: "/fp" }],
    ["lodash@4.17.21/fp", { name: "lodash", subpath: "/fp" }],
    ["@scope/pkg", { name: "@scope/pkg", subpath: "" }],
    ["@scope/pkg/deep/file.js", { name: "@scope/pkg", subpath: "/deep/file.js" }],
    ["@scope/pkg@^1/x", { name: "@scope/pkg", subpath: "/x" }],
    ["npm:zod@4", { name: "zod", subpath: "" }],
    ["npm:@scope/pkg@1.2.3/sub", { name: "@scope/pkg", subpath: "/sub" }],
    // Legacy npm names may have capitals: an installed one must still resolve.
    ["JSONStream", { name: "JSONStream", subpath: "" }],
    ["", null],
    ["npm:", null],
    ["@scope", null],
    ["@scope/", null],
    ["./local.ts", null],
    ["../up.js", null],
    [".", null],
    ["/abs.js", null],
    ["#internal", null],
    ["node:fs", null],
    ["bun:sqlite", null],
    ["jsr:@std/http", null],
    ["https://esm.sh/react", null],
    ["data:text/javascript,1", null],
    ["@a/../../etc", null],
    ["a b", null],
  ];
  for (const [specifier, expected] of rows) {
    test(`${JSON.stringify(specifier)} -> ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(parsePackageSpecifier(specifier), expected);
    });
  }
});

describe("packageNameOf (what gets installed)", () => {
  const rows: [string, string | null][] = [
    ["lodash", "lodash"],
    ["lodash/fp", "lodash"],
    ["@a/b/c", "@a/b"],
    ["npm:zod@4", "zod"],
    ["npm:@scope/pkg@1.2.3/sub", "@scope/pkg"],
    ["is-number@7", "is-number"],
    // Built-ins and the runtime's own modules are never installed.
    ["fs", null],
    ["fs/promises", null],
    ["crypto", null],
    ["node:fs", null],
    ["bun", null],
    ["bun:sqlite", null],
    ["jsr:@std/http", null],
    // Names npm refuses for new packages never reach an installer.
    ["JSONStream", null],
    ["_private", null],
    ["./x", null],
    ["/abs", null],
    ["#internal", null],
  ];
  for (const [specifier, expected] of rows) {
    test(`${JSON.stringify(specifier)} -> ${JSON.stringify(expected)}`, () => {
      assert.equal(packageNameOf(specifier), expected);
    });
  }
});
