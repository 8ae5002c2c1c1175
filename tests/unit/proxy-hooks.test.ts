/** The pure parts of proxy hooks (docs/proxy-hooks.md): upstreams, proxy hosts, matching, ids, the flag. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { compileMatch } from "../../runtime/proxy/hook-match.ts";
import { type HookMatch, hookMatch } from "../../runtime/proxy/hook-record.ts";
import { createHookStore } from "../../runtime/proxy/store.ts";
import { createUlid } from "../../runtime/proxy/ulid.ts";
import { parseUpstreams, upstreamOfHost } from "../../runtime/proxy/upstreams.ts";
import { endToEndHeaders } from "../../runtime/protocol/forwarding.ts";
import { readServeCommand } from "../../runtime/server/flags.mjs";

describe("upstreams", () => {
  test("--upstream entries become name, origin, host, port", () => {
    assert.deepEqual(
      parseUpstreams(["api=http://127.0.0.1:3000", " Web = https://example.com "]),
      [
        { name: "api", origin: "http://127.0.0.1:3000", host: "127.0.0.1", port: 3000 },
        { name: "web", origin: "https://example.com", host: "example.com", port: 443 },
      ],
    );
    assert.deepEqual(parseUpstreams(["a=http://[::1]:81/"])[0]!.port, 81);
  });

  const BAD: [string[], RegExp][] = [
    [["api"], /name=http/],
    [["=http://x:1"], /DNS label/],
    [["-api=http://x:1"], /DNS label/],
    [["api=localhost:3000"], /only http/],
    [["api=not a url"], /not a URL/],
    [["api=http://x:1/base"], /scheme, host and port/],
    [["api=http://x:1/?q"], /scheme, host and port/],
    [["api=http://u:p@x:1"], /scheme, host and port/],
    [["cdp=http://x:1"], /reserved/],
    [["a=http://x:1", "A=http://x:2"], /twice/],
  ];
  for (const [entries, message] of BAD) {
    test(`refuses ${JSON.stringify(entries)}`, () => {
      assert.throws(() => parseUpstreams(entries), message);
    });
  }

  test("{name}.proxy.… names an upstream; other hosts are not proxy hosts", () => {
    const upstreams = new Map(parseUpstreams(["api=http://127.0.0.1:1"]).map((u) => [u.name, u]));
    const HOSTS: [string | null, string | null | undefined][] = [
      ["api.proxy.localhost", "api"],
      ["API.Proxy.localhost:8080", "api"],
      ["api.proxy.example.com", "api"],
      ["api.proxy", "api"],
      ["api.proxy:8080", "api"],
      ["web.proxy.localhost", null],
      ["api.localhost", undefined],
      ["proxy.localhost", undefined],
      ["exec-2.localhost", undefined],
      ["x.api.proxy.localhost", undefined],
      [null, undefined],
    ];
    for (const [host, name] of HOSTS) {
      const found = upstreamOfHost(host, upstreams);
      assert.equal(found === null || found === undefined ? found : found.name, name, String(host));
    }
  });
});

describe("hook matching", () => {
  const CASES: [HookMatch, string, string, Record<string, string>, boolean][] = [
    [{}, "DELETE", "/anything", {}, true],
    [{ method: "get" }, "GET", "/", {}, true],
    [{ method: "GET" }, "POST", "/", {}, false],
    [{ method: ["POST", "put"] }, "PUT", "/", {}, true],
    [{ method: "*" }, "PATCH", "/", {}, true],
    [{ path: "/api/*" }, "GET", "/api/users/1", {}, true],
    [{ path: "/api/*" }, "GET", "/apix", {}, false],
    [{ path: "/users/:id" }, "GET", "/users/7", {}, true],
    [{ path: "/users/:id" }, "GET", "/users/7/posts", {}, false],
    [{ path: "/exact" }, "GET", "/exact", {}, true],
    [{ headers: { "X-Debug": "1" } }, "GET", "/", { "x-debug": "1" }, true],
    [{ headers: { "x-debug": "1" } }, "GET", "/", { "x-debug": "2" }, false],
    [{ headers: { "x-debug": "*" } }, "GET", "/", { "x-debug": "" }, true],
    [{ headers: { "x-debug": "*" } }, "GET", "/", {}, false],
    [{ method: "GET", path: "/a", headers: { a: "b" } }, "GET", "/a", { a: "b" }, true],
  ];
  for (const [match, method, path, headers, expected] of CASES) {
    test(`${JSON.stringify(match)} ${method} ${path} ${JSON.stringify(headers)} -> ${expected}`, () => {
      assert.equal(compileMatch(match).test(method, path, new Headers(headers)), expected);
    });
  }

  test("the schema refuses what could never match, naming why", () => {
    for (const bad of [{ path: "api/*" }, { path: "/(" }, { method: "GET POST" }, { other: 1 }]) {
      assert.equal(hookMatch.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });
});

describe("hook store", () => {
  test("first match in position order; changes need the version; the file survives", async () => {
    const root = mkdtempSync(join(tmpdir(), "hooks-"));
    try {
      const store = await createHookStore(root);
      assert.equal(store.etag(), "file:v0");
      const hook = (id: string, path: string) => ({
        id: id.padEnd(26, "0"),
        position: 0,
        match: { path },
        script: { path: "_hooks/a.ts" },
        timeout: 5000,
      });
      await store.change("file:v0", (file) => {
        file.hooks.api = [hook("a", "/x/*"), hook("b", "/x/y")];
      });
      assert.equal(store.find("api", "GET", "/x/y", new Headers())?.id, "a".padEnd(26, "0"));
      assert.equal(store.find("api", "GET", "/z", new Headers()), null);
      assert.equal(store.find("web", "GET", "/x/y", new Headers()), null);
      assert.deepEqual(store.read().hooks.api!.map((h) => h.position), [0, 1]);
      await assert.rejects(store.change("file:v0", () => {}), { code: "PRECONDITION_FAILED" });
      await assert.rejects(store.change(undefined, () => {}), { code: "PRECONDITION_REQUIRED" });
      await assert.rejects(
        store.change('W/"file:v1"', (file) => {
          file.hooks.api = Array.from({ length: 9 }, (_, i) => hook(String(i), "/"));
        }),
        { code: "CONFLICT" },
      );
      assert.equal(store.etag(), "file:v1");
      assert.deepEqual((await createHookStore(root)).read(), store.read());
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("a damaged file stops the start, naming it", async () => {
    const root = mkdtempSync(join(tmpdir(), "hooks-"));
    try {
      mkdirSync(join(root, "_hoody"));
      writeFileSync(join(root, "_hoody", "proxy-hooks.json"), "{ not json");
      await assert.rejects(createHookStore(root), /proxy-hooks\.json is not JSON/);
      writeFileSync(
        join(root, "_hoody", "proxy-hooks.json"),
        '{"file_version":1,"hooks":{"a":[{}]}}',
      );
      await assert.rejects(createHookStore(root), /proxy-hooks\.json: hooks\.a\.0\.id/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

test("hook ids are 26-character lower-case ULIDs, ordered by time", () => {
  const early = createUlid(1_000);
  const late = createUlid(2_000_000_000_000);
  assert.match(early, /^[0-9a-hjkmnp-tv-z]{26}$/);
  assert.ok(early < late);
  assert.equal(createUlid(0).slice(0, 10), "0000000000");
});

test("hop-by-hop headers, and those Connection names, are not forwarded", () => {
  const out = endToEndHeaders(
    new Headers({ connection: "close, x-secret", "x-secret": "1", "keep-alive": "5", a: "b" }),
  );
  assert.deepEqual([...out.keys()], ["a"]);
});

test("--upstream repeats; HOODY_EXEC_UPSTREAMS is comma-separated", () => {
  assert.deepEqual(
    readServeCommand(["serve", "--upstream", "a=http://x:1", "--upstream", "b=http://y:2"], {})
      .config.upstreams,
    ["a=http://x:1", "b=http://y:2"],
  );
  assert.deepEqual(
    readServeCommand(["serve"], { HOODY_EXEC_UPSTREAMS: "a=http://x:1, b=http://y:2" }).config
      .upstreams,
    ["a=http://x:1", "b=http://y:2"],
  );
  assert.equal(readServeCommand(["serve"], {}).config.upstreams, undefined);
});
