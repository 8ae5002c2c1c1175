import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parse, stringify } from "path-to-regexp";
import {
  bracketPathOf,
  type OpenApiPath,
  openApiPathOf,
  PathTemplateError,
  pathToRegexpOf,
} from "../../routing/openapi-path.ts";
import { fileToRoute } from "../../routing/pattern.ts";

// file, path-to-regexp spelling, OpenAPI template, params
const ROUTES: [string, string, OpenApiPath][] = [
  ["index.ts", "/", { template: "/", params: [] }],
  ["hello.ts", "/hello", { template: "/hello", params: [] }],
  ["api/index.ts", "/api", { template: "/api", params: [] }],
  ["api/users/[id].ts", "/api/users/:id", {
    template: "/api/users/{id}",
    params: [{ name: "id", kind: "dynamic" }],
  }],
  ["blog/[year]/[month].ts", "/blog/:year/:month", {
    template: "/blog/{year}/{month}",
    params: [{ name: "year", kind: "dynamic" }, { name: "month", kind: "dynamic" }],
  }],
  ["docs/[...slug].ts", "/docs/*slug", {
    template: "/docs/{slug}",
    params: [{ name: "slug", kind: "catchall" }],
  }],
  ["pages/[[...path]].ts", "/pages{/*path}", {
    template: "/pages/{path}",
    params: [{ name: "path", kind: "optional-catchall" }],
  }],
  ["v1/[org-id]/items.ts", '/v1/:"org-id"/items', {
    template: "/v1/{org-id}/items",
    params: [{ name: "org-id", kind: "dynamic" }],
  }],
];

describe("bracket file path -> path-to-regexp and OpenAPI", () => {
  for (const [file, regexpPath, openapi] of ROUTES) {
    test(file, () => {
      assert.equal(pathToRegexpOf(file), regexpPath);
      assert.deepEqual(openApiPathOf(file), openapi);
      // path-to-regexp reads its own spelling back to the same path.
      assert.equal(stringify(parse(regexpPath)), regexpPath);
    });
  }
  test("not a route -> null", () => {
    for (const file of ["_lib/x.ts", "pre.ts", "notes.md", "a/[...b]/c.ts"]) {
      assert.equal(openApiPathOf(file), null, file);
      assert.equal(pathToRegexpOf(file), null, file);
    }
  });
});

describe("OpenAPI template -> bracket file path", () => {
  const TEMPLATES: [string, string][] = [
    ["/", "index"],
    ["/pets", "pets"],
    ["/pets/", "pets"],
    ["/pets/{petId}", "pets/[petId]"],
    ["/store/order/{orderId}/items", "store/order/[orderId]/items"],
    ["/v1/{org-id}/items", "v1/[org-id]/items"],
    ["/a+b/c:d", "a+b/c:d"],
  ];
  for (const [template, bracket] of TEMPLATES) {
    test(`${template} -> ${bracket}`, () => assert.equal(bracketPathOf(template), bracket));
  }
  test("round trip: a route's template comes back to a file with the same route", () => {
    for (const [file, , openapi] of ROUTES) {
      if (openapi.params.some((p) => p.kind !== "dynamic")) continue;
      const back = fileToRoute(`${bracketPathOf(openapi.template)}.ts`);
      assert.equal(back?.pattern, fileToRoute(file)?.pattern, file);
    }
  });
  const BAD: [string, RegExp][] = [
    ["pets", /must start with \//],
    ["/files/{name}.json", /whole path segment/],
    ["/files/x{name}", /whole path segment/],
    ["/{a}{b}", /whole path segment/],
    ["/pets/{id", /unclosed/],
    ["/pets/{}", /pets/],
    ["/_private/x", /cannot be a path segment/],
    ["/a/../b", /cannot be a path segment/],
    ["/a/[id]", /\[ and \]/],
  ];
  for (const [template, message] of BAD) {
    test(`refuses ${template}`, () => {
      assert.throws(() => bracketPathOf(template), (e: unknown) => {
        assert.ok(e instanceof PathTemplateError);
        assert.match(e.message, message);
        return true;
      });
    });
  }
});
