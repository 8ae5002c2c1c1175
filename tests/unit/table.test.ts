import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileToRoute } from "../../routing/pattern.ts";
import type { RouteRecord } from "../../routing/pattern.ts";
import { createRouteTable } from "../../routing/table.ts";
import type { RouteTable } from "../../routing/table.ts";

function routesOf(files: string[]): RouteRecord[] {
  return files.map((file) => {
    const route = fileToRoute(file);
    assert.ok(route, `${file} should be a route`);
    return route;
  });
}

function tableOf(files: string[]): RouteTable {
  return createRouteTable(routesOf(files));
}

type Params = Record<string, string | string[]>;
/** [url pathname, winning file or null, params] */
type Row = [string, string | null, Params?];

function checkRows(table: RouteTable, rows: Row[]): void {
  for (const [pathname, file, params] of rows) {
    test(`${pathname} -> ${file ?? "no match"}`, () => {
      const match = table.match(pathname);
      if (file === null) {
        assert.equal(match, null);
        return;
      }
      assert.ok(match, `expected ${file}`);
      assert.equal(match.route.file, file);
      assert.deepEqual(match.params, params ?? {});
    });
  }
}

describe("routing examples", () => {
  const table = tableOf([
    "index.ts",
    "api/hello.ts",
    "api/index.ts",
    "users/[id].ts",
    "api/users/[id].ts",
    "blog/[year]/[month].ts",
    "docs/[...slug].ts",
    "pages/[[...path]].ts",
    "greeting.js",
  ]);
  test("no warnings", () => assert.deepEqual(table.warnings, []));
  checkRows(table, [
    ["/", "index.ts"],
    ["/api/hello", "api/hello.ts"],
    ["/api", "api/index.ts"],
    ["/api/", "api/index.ts"],
    ["/greeting", "greeting.js"],
    ["/users/123", "users/[id].ts", { id: "123" }],
    ["/api/users/123", "api/users/[id].ts", { id: "123" }],
    ["/blog/2024/05", "blog/[year]/[month].ts", { year: "2024", month: "05" }],
    ["/blog/2024", null],
    ["/blog/2024/05/extra", null],
    ["/docs/api/guide/intro", "docs/[...slug].ts", { slug: ["api", "guide", "intro"] }],
    ["/docs/intro", "docs/[...slug].ts", { slug: ["intro"] }],
    ["/docs", null],
    ["/docs/", null],
    ["/pages", "pages/[[...path]].ts", { path: [] }],
    ["/pages/", "pages/[[...path]].ts", { path: [] }],
    ["/pages/a", "pages/[[...path]].ts", { path: ["a"] }],
    ["/pages/a/b/c", "pages/[[...path]].ts", { path: ["a", "b", "c"] }],
    ["/users", null],
    ["/users/1/2", null],
    ["/nope", null],
  ]);
});

describe("the URL may carry the file's extension; one trailing slash is tolerated", () => {
  const table = tableOf([
    "index.ts",
    "api/hello.ts",
    "api/index.js",
    "blog/[year]/feed.mjs",
    "blog/[year]/[slug].ts",
    "users/[id]/index.ts",
    "files/[name].ts",
  ]);
  checkRows(table, [
    ["/api/hello", "api/hello.ts"],
    ["/api/hello/", "api/hello.ts"],
    ["/api/hello.ts", "api/hello.ts"],
    ["/api/hello.ts/", "api/hello.ts"],
    ["/api/hello.js", null],
    ["/api/hello//", null],
    ["/index.ts", "index.ts"],
    ["/api/index.js", "api/index.js"],
    ["/api/index.ts", null],
    ["/blog/2024/feed", "blog/[year]/feed.mjs", { year: "2024" }],
    ["/blog/2024/feed.mjs", "blog/[year]/feed.mjs", { year: "2024" }],
    ["/blog/2024/feed.ts", "blog/[year]/[slug].ts", { year: "2024", slug: "feed.ts" }],
    ["/blog/2024/post/", "blog/[year]/[slug].ts", { year: "2024", slug: "post" }],
    ["/users/7", "users/[id]/index.ts", { id: "7" }],
    ["/users/7/index.ts", "users/[id]/index.ts", { id: "7" }],
    ["/files/report.pdf", "files/[name].ts", { name: "report.pdf" }],
  ]);
});

describe("matching is case-sensitive", () => {
  const table = tableOf(["Api/Hello.ts", "users/[id].ts"]);
  checkRows(table, [
    ["/Api/Hello", "Api/Hello.ts"],
    ["/api/hello", null],
    ["/API/HELLO", null],
    ["/Users/1", null],
  ]);
});

describe("precedence: static > dynamic > catch-all > optional catch-all", () => {
  const table = tableOf([
    "shop/cart.ts",
    "shop/[item].ts",
    "shop/[...path].ts",
    "shop/[[...all]].ts",
    "shop/[item]/reviews.ts",
    "shop/new/[id].ts",
    "[section]/about.ts",
    "about/[page].ts",
    "[[...root]].ts",
  ]);
  checkRows(table, [
    ["/shop/cart", "shop/cart.ts"],
    ["/shop/shoe", "shop/[item].ts", { item: "shoe" }],
    ["/shop/shoe/red", "shop/[...path].ts", { path: ["shoe", "red"] }],
    ["/shop", "shop/[[...all]].ts", { all: [] }],
    ["/shop/shoe/reviews", "shop/[item]/reviews.ts", { item: "shoe" }],
    ["/shop/new/5", "shop/new/[id].ts", { id: "5" }],
    ["/shop/new", "shop/[item].ts", { item: "new" }],
    ["/shop/new/5/6", "shop/[...path].ts", { path: ["new", "5", "6"] }],
    // A static segment wins at the first position where two routes differ.
    ["/about/about", "about/[page].ts", { page: "about" }],
    ["/team/about", "[section]/about.ts", { section: "team" }],
    ["/", "[[...root]].ts", { root: [] }],
    ["/x/y/z", "[[...root]].ts", { root: ["x", "y", "z"] }],
  ]);
  test("no warnings for routes that only overlap", () => {
    assert.deepEqual(table.warnings, []);
  });
});

describe("an index wins over an optional catch-all for its bare folder", () => {
  const table = tableOf(["index.ts", "[[...all]].ts", "docs/index.ts", "docs/[[...p]].ts"]);
  checkRows(table, [
    ["/", "index.ts"],
    ["/a", "[[...all]].ts", { all: ["a"] }],
    ["/docs", "docs/index.ts"],
    ["/docs/x", "docs/[[...p]].ts", { p: ["x"] }],
  ]);
});

describe("competing files are resolved by file path and named in a warning", () => {
  test("users/[id].ts vs users/[name].ts", () => {
    const table = tableOf(["users/[name].ts", "users/[id].ts"]);
    assert.deepEqual(table.match("/users/1"), {
      route: fileToRoute("users/[id].ts"),
      params: { id: "1" },
    });
    assert.equal(table.warnings.length, 1);
    assert.match(table.warnings[0] ?? "", /"users\/\[id\]\.ts", "users\/\[name\]\.ts"/);
  });

  test("hello.ts vs hello/index.ts", () => {
    const table = tableOf(["hello/index.ts", "hello.ts"]);
    assert.equal(table.match("/hello")?.route.file, "hello.ts");
    assert.equal(table.match("/hello/index.ts")?.route.file, "hello/index.ts");
    assert.equal(table.warnings.length, 1);
    assert.match(table.warnings[0] ?? "", /"hello\.ts", "hello\/index\.ts"/);
  });

  test("hello.js vs hello.ts: each still answers to its own extension", () => {
    const table = tableOf(["hello.ts", "hello.js"]);
    assert.equal(table.match("/hello")?.route.file, "hello.js");
    assert.equal(table.match("/hello.ts")?.route.file, "hello.ts");
    assert.equal(table.match("/hello.js")?.route.file, "hello.js");
    assert.equal(table.warnings.length, 1);
  });

  test("docs/[...a].ts vs docs/[...b]/index.ts", () => {
    const table = tableOf(["docs/[...b]/index.ts", "docs/[...a].ts"]);
    assert.deepEqual(table.match("/docs/x/y")?.params, { a: ["x", "y"] });
    assert.equal(table.warnings.length, 1);
  });

  test("the result does not depend on input order", () => {
    const files = ["users/[name].ts", "users/[id].ts", "hello/index.ts", "hello.ts"];
    const a = tableOf(files);
    const b = tableOf([...files].reverse());
    assert.deepEqual(a.warnings, b.warnings);
    assert.deepEqual(a.routes, b.routes);
    for (const url of ["/users/1", "/hello"]) assert.deepEqual(a.match(url), b.match(url));
  });
});

describe("params are decoded per segment", () => {
  const table = tableOf(["users/[id].ts", "docs/[...slug].ts", "pages/[[...p]].ts", "café.ts"]);
  checkRows(table, [
    ["/users/a%20b", "users/[id].ts", { id: "a b" }],
    ["/users/a%2Fb", "users/[id].ts", { id: "a/b" }],
    ["/users/caf%C3%A9", "users/[id].ts", { id: "café" }],
    ["/users/a+b", "users/[id].ts", { id: "a+b" }],
    ["/users/a:b@c", "users/[id].ts", { id: "a:b@c" }],
    ["/users/%E2%9C%93", "users/[id].ts", { id: "✓" }],
    ["/users/.env", "users/[id].ts", { id: ".env" }],
    ["/docs/a%2Fb/c", "docs/[...slug].ts", { slug: ["a/b", "c"] }],
    ["/pages/x%20y/z", "pages/[[...p]].ts", { p: ["x y", "z"] }],
    ["/caf%C3%A9", "café.ts"],
    ["/caf%c3%a9", "café.ts"],
    ["/%63af%C3%A9", "café.ts"],
    ["/users/%E0%A4%A", null],
    ["/users/100%", null],
    ["/docs/ok/%zz", null],
    ["/users/%2E%2E", null],
    ["/users//", null],
    ["/docs/a//b", null],
    ["users/1", null],
  ]);
});

describe("URLPattern-special characters in file names are literal", () => {
  const files = [
    "odd/a(b).ts",
    "odd/x*.ts",
    "odd/a+b.ts",
    "odd/q?.ts",
    "odd/{c}.ts",
    "odd/c:d.ts",
    "odd/100%.ts",
    "odd/sp ace.ts",
    "odd/[id]/(x)*.ts",
    "odd/[id]/a[1].ts",
  ];
  const table = tableOf(files);
  checkRows(table, [
    ["/odd/a(b)", "odd/a(b).ts"],
    ["/odd/ab", null],
    ["/odd/x*", "odd/x*.ts"],
    ["/odd/xxx", null],
    ["/odd/a+b", "odd/a+b.ts"],
    ["/odd/a%2Bb", "odd/a+b.ts"],
    ["/odd/aab", null],
    ["/odd/q%3F", "odd/q?.ts"],
    ["/odd/q", null],
    ["/odd/%7Bc%7D", "odd/{c}.ts"],
    ["/odd/c:d", "odd/c:d.ts"],
    ["/odd/c", null],
    ["/odd/100%25", "odd/100%.ts"],
    ["/odd/sp%20ace", "odd/sp ace.ts"],
    ["/odd/7/(x)*", "odd/[id]/(x)*.ts", { id: "7" }],
    ["/odd/7/x", null],
    ["/odd/7/a%5B1%5D", "odd/[id]/a[1].ts", { id: "7" }],
    ["/odd/7/a[1]", "odd/[id]/a[1].ts", { id: "7" }],
  ]);
});

describe("routes and warnings", () => {
  test("routes lists every indexed route once, sorted by file", () => {
    const routes = routesOf(["b.ts", "a/[id].ts", "b.ts"]);
    const table = createRouteTable(routes);
    assert.deepEqual(table.routes.map((route) => route.file), ["a/[id].ts", "b.ts"]);
    assert.deepEqual(table.warnings, []);
  });

  test("a record whose file is not a route is left out with a warning", () => {
    const table = createRouteTable([
      { file: "_lib/x.ts", pattern: "/_lib/x", type: "static", params: [], dir: "_lib" },
    ]);
    assert.equal(table.routes.length, 0);
    assert.equal(table.match("/_lib/x"), null);
    assert.match(table.warnings[0] ?? "", /_lib\/x\.ts/);
  });

  test("an empty table matches nothing", () => {
    const table = createRouteTable([]);
    assert.equal(table.match("/"), null);
    assert.equal(table.match("/x"), null);
  });

  test("a match returns fresh params each time", () => {
    const table = tableOf(["users/[id].ts"]);
    const first = table.match("/users/1");
    assert.ok(first);
    first.params.id = "changed";
    assert.deepEqual(table.match("/users/1")?.params, { id: "1" });
  });
});

describe("10,000 routes", () => {
  const files: string[] = [];
  for (let i = 0; i < 2_500; i++) {
    files.push(`s${i}/hello.ts`, `d${i}/[id].ts`, `c${i}/[...rest].ts`, `[tenant]/x${i}.ts`);
  }
  const table = tableOf(files);

  test("build with no warnings", () => {
    assert.equal(table.routes.length, 10_000);
    assert.deepEqual(table.warnings, []);
  });

  test("nothing is compiled at build; a match compiles only its winner", () => {
    const Original = globalThis.URLPattern;
    let compiled = 0;
    globalThis.URLPattern = new Proxy(Original, {
      construct(target, args, newTarget) {
        compiled++;
        return Reflect.construct(target, args, newTarget);
      },
    });
    try {
      const fresh = tableOf(files);
      assert.equal(compiled, 0);
      assert.deepEqual(fresh.match("/acme/x1234")?.params, { tenant: "acme" });
      assert.equal(compiled, 1);
      assert.deepEqual(fresh.match("/acme/x1234")?.params, { tenant: "acme" });
      assert.deepEqual(fresh.match("/s1234/hello")?.params, {});
      assert.equal(compiled, 1);
    } finally {
      globalThis.URLPattern = Original;
    }
  });

  test("match a sample correctly", () => {
    for (let i = 0; i < 2_500; i += 97) {
      assert.equal(table.match(`/s${i}/hello`)?.route.file, `s${i}/hello.ts`);
      assert.deepEqual(table.match(`/d${i}/42`)?.params, { id: "42" });
      assert.deepEqual(table.match(`/c${i}/a/b`)?.params, { rest: ["a", "b"] });
      assert.deepEqual(table.match(`/acme/x${i}`)?.params, { tenant: "acme" });
      assert.equal(table.match(`/d${i}`), null);
      assert.equal(table.match(`/acme/y${i}`), null);
    }
  });
});
