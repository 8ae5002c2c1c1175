/**
 * Conformance cases: every one runs in both execution modes and on both runtimes. Each case gets
 * its own instance folder; `// @mode <mode>` is prepended to every script, so line numbers in
 * expected errors count that line.
 */
export interface Exchange {
  path: string;
  init?: { method?: string; headers?: Record<string, string>; body?: string };
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string | null>;
  /** Fields the JSON body must contain (a partial match). */
  jsonHas?: Record<string, unknown>;
}

export interface Case {
  name: string;
  files: Record<string, string>;
  exchanges: Exchange[];
}

const json = (value: unknown): Exchange["init"] => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(value),
});

const EXITED = {
  code: "SCRIPT_CRASHED",
  error: "The script's Worker is gone: the script called process.exit(3). Retry the request.",
};

export const CASES: Case[] = [
  {
    name: "routes a static file, with or without its extension and a trailing slash",
    files: { "api/hello.ts": `return { hello: "world" };` },
    exchanges: [
      { path: "/api/hello", status: 200, json: { hello: "world" } },
      { path: "/api/hello.ts", status: 200, json: { hello: "world" } },
      { path: "/api/hello/", status: 200, json: { hello: "world" } },
      { path: "/api/nope", status: 404, jsonHas: { code: "NOT_FOUND" } },
    ],
  },
  {
    name: "maps index files to their folder",
    files: { "index.ts": `return "root";`, "api/index.js": `return "api";` },
    exchanges: [
      { path: "/", status: 200, text: "root" },
      { path: "/api", status: 200, text: "api" },
    ],
  },
  {
    name: "passes dynamic segments, also from folder names",
    files: {
      "api/users/[id].ts": `return { id: metadata.parameters.id };`,
      "blog/[year]/[month].ts": `return metadata.parameters;`,
    },
    exchanges: [
      { path: "/api/users/123", status: 200, json: { id: "123" } },
      { path: "/api/users/a%20b", status: 200, json: { id: "a b" } },
      { path: "/blog/2024/05", status: 200, json: { year: "2024", month: "05" } },
    ],
  },
  {
    name: "gives catch-all and optional catch-all segments as arrays",
    files: {
      "docs/[...slug].ts": `return metadata.parameters.slug;`,
      "pages/[[...path]].ts": `return metadata.parameters.path;`,
    },
    exchanges: [
      { path: "/docs/api/guide/intro", status: 200, json: ["api", "guide", "intro"] },
      { path: "/docs", status: 404 },
      { path: "/pages", status: 200, json: [] },
      { path: "/pages/a/b", status: 200, json: ["a", "b"] },
    ],
  },
  {
    name: "prefers static over dynamic over catch-all over optional catch-all",
    files: {
      "users/me.ts": `return "me";`,
      "users/[id].ts": `return "id";`,
      "users/[...rest].ts": `return "rest";`,
      "[[...all]].ts": `return "all";`,
    },
    exchanges: [
      { path: "/users/me", status: 200, text: "me" },
      { path: "/users/42", status: 200, text: "id" },
      { path: "/users/42/posts", status: 200, text: "rest" },
      { path: "/elsewhere/deep", status: 200, text: "all" },
    ],
  },
  {
    name: "never routes files under _ or . segments, nor middleware",
    files: {
      "_lib/helper.ts": `return "secret";`,
      ".hidden.ts": `return "secret";`,
      "pre.ts": `return undefined;`,
      "open.ts": `return "open";`,
    },
    exchanges: [
      { path: "/_lib/helper", status: 404 },
      { path: "/.hidden", status: 404 },
      { path: "/pre", status: 404 },
      { path: "/open", status: 200, text: "open" },
    ],
  },
  {
    name: "accepts every script shape",
    files: {
      "cjs.js":
        `module.exports = async (req, res, metadata) => ({ shape: "cjs", id: metadata.executionId.length > 0 });`,
      "esm.ts":
        `export default function (req: { method: string }) { return { shape: "esm", method: req.method }; }`,
      "edge-object.ts":
        `export default { fetch(request: Request) { return new Response("edge " + new URL(request.url).pathname); } };`,
      "edge-fn.ts": `export default (request: Request) => Response.json({ edge: request.method });`,
      "top.ts": `const n: number = 2;\nreturn { shape: "return", n };`,
      // Bun requires a module, which cannot await at its top level: it is imported instead, and
      // its top level still runs once.
      "awaits.ts": `const g = globalThis as { loads?: number };\ng.loads = (g.loads ?? 0) + 1;\n` +
        `const late = await new Promise((r) => setTimeout(() => r("late"), 5));\n` +
        `export default () => ({ shape: "esm", late, loads: g.loads });`,
      "fails-to-load.ts": `throw new Error("not at load");\nexport default () => "never";`,
    },
    exchanges: [
      { path: "/cjs", status: 200, json: { shape: "cjs", id: true } },
      { path: "/esm", status: 200, json: { shape: "esm", method: "GET" } },
      { path: "/edge-object", status: 200, text: "edge /edge-object" },
      { path: "/edge-fn", init: { method: "PUT" }, status: 200, json: { edge: "PUT" } },
      { path: "/top", status: 200, json: { shape: "return", n: 2 } },
      { path: "/awaits", status: 200, json: { shape: "esm", late: "late", loads: 1 } },
      { path: "/awaits", status: 200, json: { shape: "esm", late: "late", loads: 1 } },
      {
        path: "/fails-to-load",
        status: 500,
        jsonHas: { code: "SCRIPT_ERROR", error: "not at load" },
      },
    ],
  },
  {
    name: "turns every return value into a response",
    files: {
      "string.ts": `return "plain";`,
      "nothing.ts": `return;`,
      "bytes.ts": `return new Uint8Array([1, 2, 3]);`,
      "response.ts": `return new Response("made", { status: 201, headers: { "x-made": "yes" } });`,
      "object.ts": `return { a: [1, { b: null }] };`,
      "iterable.ts": `async function* gen() { yield "a"; yield "b"; }\nreturn gen();`,
    },
    exchanges: [
      {
        path: "/string",
        status: 200,
        text: "plain",
        headers: { "content-type": "text/plain; charset=utf-8" },
      },
      { path: "/nothing", status: 204, text: "" },
      {
        path: "/bytes",
        status: 200,
        headers: { "content-type": "application/octet-stream", "content-length": "3" },
      },
      {
        path: "/response",
        status: 201,
        text: "made",
        // The Fetch standard's type for a string body, on Bun as on Deno.
        headers: { "x-made": "yes", "content-type": "text/plain;charset=UTF-8" },
      },
      {
        path: "/object",
        status: 200,
        json: { a: [1, { b: null }] },
        headers: { "content-type": "application/json" },
      },
      { path: "/iterable", status: 200, text: "ab" },
    ],
  },
  {
    name: "offers the res methods",
    files: {
      "status.ts": `res.status(201).json({ created: true });`,
      "head.ts":
        `res.setHeader("x-one", "1");\nres.writeHead(202, { "x-two": "2" });\nres.write("a");\nres.end("b");\nreturn "ignored";`,
      "redirect.ts": `res.redirect("/elsewhere");`,
      "send.ts": `res.send("<b>hi</b>");`,
      "code.ts": `res.statusCode = 418;\nreturn { teapot: true };`,
    },
    exchanges: [
      { path: "/status", status: 201, json: { created: true } },
      { path: "/head", status: 202, text: "ab", headers: { "x-one": "1", "x-two": "2" } },
      { path: "/redirect", status: 302, headers: { location: "/elsewhere" } },
      {
        path: "/send",
        status: 200,
        text: "<b>hi</b>",
        headers: { "content-type": "text/html; charset=utf-8" },
      },
      { path: "/code", status: 418, json: { teapot: true } },
    ],
  },
  {
    name: "parses the request for the script",
    files: {
      "echo.ts":
        `return { method: req.method, path: req.path, url: req.url, body: req.body, query: metadata.query, q: req.query, type: typeof req.body, ct: req.headers["content-type"] ?? null };`,
      "meta.ts":
        `return { execId: metadata.execId, scriptPath: metadata.scriptPath, mode: metadata.mode, ip: metadata.clientIp, hasRequest: metadata.request instanceof Request };`,
    },
    exchanges: [
      {
        path: "/echo?a=1&a=2&b=x",
        init: json({ hello: "json" }),
        status: 200,
        jsonHas: {
          method: "POST",
          path: "/echo",
          url: "/echo?a=1&a=2&b=x",
          body: { hello: "json" },
          query: { a: ["1", "2"], b: "x" },
          q: { a: ["1", "2"], b: "x" },
        },
      },
      {
        path: "/echo",
        init: {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "x=1&y=two",
        },
        status: 200,
        jsonHas: { body: { x: "1", y: "two" } },
      },
      {
        path: "/echo",
        init: { method: "POST", headers: { "content-type": "text/plain" }, body: "words" },
        status: 200,
        jsonHas: { body: "words", type: "string" },
      },
      { path: "/echo", status: 200, jsonHas: { type: "undefined" } },
      {
        path: "/meta",
        status: 200,
        jsonHas: { scriptPath: "meta.ts", ip: "127.0.0.1", hasRequest: true },
      },
    ],
  },
  {
    name: "runs pre and post middleware around the script",
    files: {
      "mw/pre.ts": `if (req.query.block) return { blocked: true };\nshared.trail = ["pre"];`,
      "mw/post.ts":
        `if (metadata.query.replace) return { replaced: mainResult ?? null };\nreturn undefined;`,
      "mw/main.ts":
        `if (req.query.fail) throw new Error("main failed");\nreturn { main: true, trail: shared.trail };`,
    },
    exchanges: [
      { path: "/mw/main", status: 200, json: { main: true, trail: ["pre"] } },
      { path: "/mw/main?block=1", status: 200, json: { blocked: true } },
      {
        path: "/mw/main?replace=1",
        status: 200,
        json: { replaced: { main: true, trail: ["pre"] } },
      },
      { path: "/mw/main?block=1&replace=1", status: 200, json: { replaced: { blocked: true } } },
      {
        path: "/mw/main?fail=1",
        status: 500,
        jsonHas: { code: "SCRIPT_ERROR", error: "main failed" },
      },
      { path: "/mw/main?fail=1&replace=1", status: 200, json: { replaced: null } },
    ],
  },
  {
    name: "answers CORS and preflights without running the script",
    files: {
      "reflect.ts": `// @cors reflective\n// @cors-credentials true\nreturn "r";`,
      "star.ts": `// @cors *\nreturn "s";`,
      "pinned.ts":
        `// @cors https://app.example.com\n// @cors-methods GET,POST\nthrow new Error("must not run on preflight");`,
      "plain.ts": `return "p";`,
    },
    exchanges: [
      {
        path: "/reflect",
        init: { headers: { origin: "https://a.example" } },
        status: 200,
        headers: {
          "access-control-allow-origin": "https://a.example",
          "access-control-allow-credentials": "true",
          vary: "Origin",
        },
      },
      {
        path: "/star",
        init: { headers: { origin: "https://a.example" } },
        status: 200,
        headers: { "access-control-allow-origin": "*" },
      },
      {
        path: "/pinned",
        init: {
          method: "OPTIONS",
          headers: { origin: "https://app.example.com", "access-control-request-method": "POST" },
        },
        status: 204,
        headers: {
          "access-control-allow-origin": "https://app.example.com",
          "access-control-allow-methods": "GET, POST",
        },
      },
      {
        path: "/pinned",
        init: {
          method: "OPTIONS",
          headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
        },
        status: 204,
        headers: { "access-control-allow-origin": null },
      },
      {
        path: "/plain",
        init: { headers: { origin: "https://a.example" } },
        status: 200,
        headers: { "access-control-allow-origin": null },
      },
    ],
  },
  {
    name: "checks @token before running the script, first source present wins",
    files: {
      "secret.ts":
        `// @token s3cret\nreturn { ok: true, sawToken: JSON.stringify(req.headers).includes("s3cret") };`,
    },
    exchanges: [
      {
        path: "/secret",
        status: 401,
        jsonHas: { code: "UNAUTHORIZED" },
        headers: { "www-authenticate": 'Bearer realm="hoody-exec"' },
      },
      {
        path: "/secret",
        init: { headers: { authorization: "Bearer s3cret" } },
        status: 200,
        jsonHas: { ok: true },
      },
      { path: "/secret", init: { headers: { authorization: "bearer s3cret" } }, status: 200 },
      {
        path: "/secret",
        init: { headers: { authorization: `Basic ${btoa("anyone:s3cret")}` } },
        status: 200,
      },
      { path: "/secret", init: { headers: { "x-token": "s3cret" } }, status: 200 },
      { path: "/secret?token=s3cret", status: 200 },
      { path: "/secret?token=s3cret", init: { headers: { "x-token": "wrong" } }, status: 401 },
      {
        path: "/secret",
        init: { headers: { authorization: "Bearer wrong", "x-token": "s3cret" } },
        status: 401,
      },
    ],
  },
  {
    name: "answers 503 for a disabled script",
    files: { "off.ts": `// @enabled false\nreturn "never";` },
    exchanges: [{ path: "/off", status: 503, jsonHas: { code: "SCRIPT_DISABLED" } }],
  },
  {
    name: "reports a throwing script with its line, and keeps serving others",
    files: {
      "throws.ts": `const x = 1;\nthrow new Error("boom " + x);`,
      "fine.ts": `return "fine";`,
    },
    exchanges: [
      {
        path: "/throws",
        status: 500,
        jsonHas: { code: "SCRIPT_ERROR", error: "boom 1", script: "throws.ts", line: 3 },
      },
      { path: "/fine", status: 200, text: "fine" },
    ],
  },
  {
    name: "reports a syntax error with line and column",
    files: { "broken.ts": `const a = 1;\nconst b = ;\nreturn a;` },
    exchanges: [{
      path: "/broken",
      status: 500,
      jsonHas: { code: "COMPILE_ERROR", script: "broken.ts", line: 3 },
    }],
  },
  {
    name: "answers 504 at the deadline for loops and hangs, and keeps serving",
    files: {
      "spin.ts": `// @timeout 300\nwhile (true) {}`,
      "spin-later.ts":
        `// @timeout 300\nawait new Promise((r) => setTimeout(r, 10));\nwhile (true) {}`,
      "hang.ts": `// @timeout 300\nawait new Promise(() => {});`,
      "after.ts": `return "alive";`,
    },
    exchanges: [
      { path: "/spin", status: 504, jsonHas: { code: "SCRIPT_TIMEOUT" } },
      { path: "/after", status: 200, text: "alive" },
      { path: "/spin-later", status: 504, jsonHas: { code: "SCRIPT_TIMEOUT" } },
      { path: "/hang", status: 504, jsonHas: { code: "SCRIPT_TIMEOUT" } },
      { path: "/after", status: 200, text: "alive" },
    ],
  },
  {
    name: "requires built-ins; a package that cannot be installed answers INSTALL_FAILED",
    files: {
      "builtin.ts":
        `const { createHash } = require("node:crypto");\nconst path = require("path");\nreturn { hash: createHash("sha1").update("x").digest("hex").length, join: path.join("a", "b") };`,
      "missing.ts": `const x = require("definitely-not-installed-pkg");\nreturn x;`,
    },
    exchanges: [
      { path: "/builtin", status: 200, json: { hash: 40, join: "a/b" } },
      { path: "/missing", status: 500, jsonHas: { code: "INSTALL_FAILED" } },
    ],
  },
  {
    name: "fetches a relative URL from the same instance through the pipeline",
    files: {
      "caller.ts":
        `const r = await fetch("/callee?x=1", { headers: { authorization: "Bearer t" } });\nreturn { status: r.status, body: await r.json() };`,
      "callee.ts": `// @token t\nreturn { called: true, x: metadata.query.x };`,
    },
    exchanges: [{
      path: "/caller",
      status: 200,
      json: { status: 200, body: { called: true, x: "1" } },
    }],
  },
  {
    name: "gives one request's pre, main and post the same shared object",
    files: {
      "s/pre.ts": `shared.fromPre = (shared.fromPre ?? 0) + 1;`,
      "s/read.ts": `return { fromPre: typeof shared.fromPre };`,
    },
    exchanges: [{ path: "/s/read", status: 200, json: { fromPre: "number" } }],
  },
  {
    name: "refuses bad paths before routing",
    files: { "ok.ts": `return "ok";` },
    exchanges: [
      { path: "/a%00b", status: 400, jsonHas: { code: "BAD_REQUEST" } },
      { path: "/x/..%2fok", status: 400 },
      { path: "/x/%252e%252e/ok", status: 400 },
      { path: "/a%5cb", status: 400 },
    ],
  },
  {
    name: "streams slow bodies whole: generators, ReadableStreams, res.write, sse() and post",
    files: {
      "gen.ts":
        `async function* gen() { for (const part of ["a", "b", "c"]) { yield part; await new Promise((r) => setTimeout(r, 5)); } }\nreturn gen();`,
      "readable.ts":
        `let n = 0;\nreturn new ReadableStream({ async pull(c) { await new Promise((r) => setTimeout(r, 5)); if (n++ < 3) c.enqueue(new TextEncoder().encode(String(n))); else c.close(); } });`,
      "write.ts":
        `res.status(202).setHeader("x-kind", "write");\nres.write("one ");\nawait new Promise((r) => setTimeout(r, 5));\nres.write("two");\nres.end();`,
      "events.ts":
        `async function* events() { yield "hi"; await new Promise((r) => setTimeout(r, 5)); yield { event: "n", data: { n: 1 } }; }\nreturn sse(events());`,
      "p/pre.ts": `return undefined;`,
      "p/post.ts": `res.setHeader("x-post", "ran");`,
      "p/main.ts":
        `async function* gen() { yield "x"; await new Promise((r) => setTimeout(r, 5)); yield "y"; }\nreturn gen();`,
    },
    exchanges: [
      {
        path: "/gen",
        status: 200,
        text: "abc",
        headers: { "content-type": "text/plain; charset=utf-8" },
      },
      { path: "/readable", status: 200, text: "123" },
      { path: "/write", status: 202, text: "one two", headers: { "x-kind": "write" } },
      {
        path: "/events",
        status: 200,
        text: 'data: hi\n\nevent: n\ndata: {"n":1}\n\n',
        headers: { "content-type": "text/event-stream; charset=utf-8" },
      },
      { path: "/p/main", status: 200, text: "xy", headers: { "x-post": "ran" } },
    ],
  },
  {
    name: "a stream that fails at once (within its first turn) answers SCRIPT_ERROR",
    files: {
      "broken.ts":
        `async function* gen() { await Promise.resolve(); throw new Error("no data"); }\nreturn gen();`,
    },
    exchanges: [{ path: "/broken", status: 500, jsonHas: { code: "SCRIPT_ERROR" } }],
  },
  {
    name: "shows no server variable in process.env, and lists it without an error",
    files: {
      "env.ts":
        `const names = Object.keys(process.env);\nreturn { hoody: names.filter((n) => n.startsWith("HOODY")), spread: typeof { ...process.env } };`,
    },
    exchanges: [{ path: "/env", status: 200, json: { hoody: [], spread: "object" } }],
  },
  {
    name: "a stray rejection or a throw in a callback is logged, and the script keeps answering",
    files: {
      "stray.ts":
        `Promise.reject(new Error("stray"));\nsetTimeout(() => { throw new Error("late"); }, 0);\nreturn "answered";`,
      "after.ts": `await new Promise((r) => setTimeout(r, 20));\nreturn "still serving";`,
    },
    exchanges: [
      { path: "/stray", status: 200, text: "answered" },
      { path: "/after", status: 200, text: "still serving" },
      { path: "/stray", status: 200, text: "answered" },
    ],
  },
  {
    name: "gives every script the web-standard request as the global request",
    files: {
      "req.ts":
        `return { method: request.method, url: new URL(request.url).pathname + new URL(request.url).search, same: request === metadata.request };`,
      "edge.ts": `module.exports = () => new Response(request.headers.get("x-who"));`,
    },
    exchanges: [
      {
        path: "/req?x=1",
        init: { method: "POST", body: "hi" },
        status: 200,
        json: { method: "POST", url: "/req?x=1", same: true },
      },
      { path: "/edge", init: { headers: { "x-who": "me" } }, status: 200, text: "me" },
    ],
  },
  {
    name:
      "a script that calls process.exit answers 502 at once (not at its timeout), saying so, and the server keeps serving",
    files: {
      "exit.ts": `// @timeout 20000\nprocess.exit(3);`,
      "after.ts": `return "still serving";`,
    },
    exchanges: [
      { path: "/exit", status: 502, jsonHas: EXITED },
      { path: "/after", status: 200, text: "still serving" },
      { path: "/exit", status: 502, jsonHas: EXITED },
      { path: "/after", status: 200, text: "still serving" },
    ],
  },
];
