import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileToRoute, isMiddlewareFile, SCRIPT_EXTENSIONS } from "../../routing/pattern.ts";
import type { RouteRecord } from "../../routing/pattern.ts";

type Expected = Omit<RouteRecord, "file">;

const ROUTES: [string, Expected][] = [
  ["api/hello.ts", { pattern: "/api/hello", type: "static", params: [], dir: "api" }],
  ["hello.js", { pattern: "/hello", type: "static", params: [], dir: "" }],
  ["index.ts", { pattern: "/", type: "static", params: [], dir: "" }],
  ["api/index.ts", { pattern: "/api", type: "static", params: [], dir: "api" }],
  ["users/[id].ts", { pattern: "/users/:id", type: "dynamic", params: ["id"], dir: "users" }],
  ["api/users/[id].ts", {
    pattern: "/api/users/:id",
    type: "dynamic",
    params: ["id"],
    dir: "api/users",
  }],
  ["blog/[year]/[month].ts", {
    pattern: "/blog/:year/:month",
    type: "dynamic",
    params: ["year", "month"],
    dir: "blog/[year]",
  }],
  ["users/[id]/index.ts", {
    pattern: "/users/:id",
    type: "dynamic",
    params: ["id"],
    dir: "users/[id]",
  }],
  ["docs/[...slug].ts", {
    pattern: "/docs/:slug+",
    type: "catchall",
    params: ["slug"],
    dir: "docs",
  }],
  ["pages/[[...path]].ts", {
    pattern: "/pages/:path*",
    type: "optional-catchall",
    params: ["path"],
    dir: "pages",
  }],
  ["[[...all]].ts", { pattern: "/:all*", type: "optional-catchall", params: ["all"], dir: "" }],
  ["shop/[cat]/[...rest].ts", {
    pattern: "/shop/:cat/:rest+",
    type: "catchall",
    params: ["cat", "rest"],
    dir: "shop/[cat]",
  }],
  ["docs/[...slug]/index.ts", {
    pattern: "/docs/:slug+",
    type: "catchall",
    params: ["slug"],
    dir: "docs/[...slug]",
  }],
  ["a.mjs", { pattern: "/a", type: "static", params: [], dir: "" }],
  ["a.cjs", { pattern: "/a", type: "static", params: [], dir: "" }],
  ["view.tsx", { pattern: "/view", type: "static", params: [], dir: "" }],
  ["view.jsx", { pattern: "/view", type: "static", params: [], dir: "" }],
  ["Upper/Case.ts", { pattern: "/Upper/Case", type: "static", params: [], dir: "Upper" }],
  ["report.v2.ts", { pattern: "/report.v2", type: "static", params: [], dir: "" }],
  ["[user-id].ts", { pattern: "/:user-id", type: "dynamic", params: ["user-id"], dir: "" }],
  ["a[1].ts", { pattern: "/a[1]", type: "static", params: [], dir: "" }],
  ["(group)/x.ts", { pattern: "/\\(group\\)/x", type: "static", params: [], dir: "(group)" }],
  ["odd/a:b{c}*+?.ts", {
    pattern: "/odd/a\\:b\\{c\\}\\*\\+\\?",
    type: "static",
    params: [],
    dir: "odd",
  }],
  ["back\\slash.ts", { pattern: "/back\\\\slash", type: "static", params: [], dir: "" }],
];

const NOT_ROUTES = [
  "_lib/helpers.ts",
  "_helper.ts",
  "api/_private.ts",
  ".env",
  ".hidden.ts",
  "api/.secret/x.ts",
  "_hoody/templates/x.ts",
  "node_modules/pkg/index.js",
  "api/node_modules/pkg/index.ts",
  "types.d.ts",
  "api/global.d.ts",
  "pre.ts",
  "post.js",
  "api/pre.mjs",
  "api/post.tsx",
  "README.md",
  "script.sh",
  "tool.py",
  "data.json",
  "noext",
  "style.css.map",
  "x.mts",
  "x.TS",
  "[].ts",
  "[...].ts",
  "[[...]].ts",
  "[[id]].ts",
  "[a]].ts",
  "[.x].ts",
  "docs/[...slug]/more.ts",
  "[[...all]]/x.ts",
  "[id]/[id].ts",
  "/abs.ts",
  "a//b.ts",
  "",
];

describe("fileToRoute", () => {
  for (const [file, expected] of ROUTES) {
    test(`${file} -> ${expected.pattern} (${expected.type})`, () => {
      assert.deepEqual(fileToRoute(file), { file, ...expected });
    });
  }

  for (const file of NOT_ROUTES) {
    test(`${JSON.stringify(file)} is not a route`, () => {
      assert.equal(fileToRoute(file), null);
    });
  }

  test("every script extension makes a route and nothing else does", () => {
    assert.deepEqual([...SCRIPT_EXTENSIONS].sort(), [".cjs", ".js", ".jsx", ".mjs", ".ts", ".tsx"]);
    for (const ext of SCRIPT_EXTENSIONS) assert.equal(fileToRoute(`x${ext}`)?.pattern, "/x");
  });
});

describe("isMiddlewareFile", () => {
  const CASES: [string, "pre" | "post" | null][] = [
    ["pre.ts", "pre"],
    ["pre.js", "pre"],
    ["post.js", "post"],
    ["post.mjs", "post"],
    ["api/pre.ts", "pre"],
    ["users/[id]/post.cjs", "post"],
    ["pre.tsx", "pre"],
    ["pre.json", null],
    ["pre.d.ts", null],
    ["prefix.ts", null],
    ["Pre.ts", null],
    ["preview/index.ts", null],
    ["_lib/pre.ts", null],
    ["hello.ts", null],
  ];
  for (const [file, kind] of CASES) {
    test(`${file} -> ${kind}`, () => {
      assert.equal(isMiddlewareFile(file), kind);
    });
  }
});
