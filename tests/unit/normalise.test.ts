import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { normalise, type Normalised, toLoader } from "../../runtime/compile/normalise.ts";
import type { ScriptShape } from "../../runtime/protocol/messages.ts";

function normaliseOk(source: string, filename = "script.ts"): Normalised {
  const result = normalise(source, filename);
  if (!result.ok) assert.fail(`expected a normalised module, got ${JSON.stringify(result.error)}`);
  return result;
}

describe("normalise: shape detection", () => {
  const cases: [string, string, string, ScriptShape][] = [
    ["top-level return", "script.ts", "const a = 1;\nreturn { a };", "return"],
    ["statements without any export", "script.js", "console.log('hi');", "return"],
    ["an empty file", "script.ts", "", "return"],
    [
      "TS syntax with top-level return",
      "x.ts",
      "const n: number = 1;\nreturn n as number;",
      "return",
    ],
    ["top-level await", "script.ts", "const r = await fetch('x');\nreturn r.status;", "return"],
    [
      "module.exports = handler",
      "s.js",
      "module.exports = async (req, res) => ({ ok: true });",
      "commonjs",
    ],
    ["exports.x = value", "s.cjs", "exports.handler = function () {};", "commonjs"],
    ["module.exports.x inside a block", "s.js", "if (true) { module.exports.a = 1; }", "commonjs"],
    [
      "export default function (req, res)",
      "s.ts",
      "export default async function (req, res) {}",
      "esm",
    ],
    ["export default arrow with two parameters", "s.ts", "export default (req, res) => 1;", "esm"],
    [
      "export default an imported app",
      "s.ts",
      "import app from './app.ts';\nexport default app;",
      "esm",
    ],
    [
      "export default a local object without fetch",
      "s.ts",
      "const app = {};\nexport default app;",
      "esm",
    ],
    [
      "export { handler as default }",
      "s.ts",
      "function handler(req) {}\nexport { handler as default };",
      "esm",
    ],
    [
      "export default { fetch(request) }",
      "s.ts",
      "export default { fetch(request) { return new Response(); } };",
      "edge",
    ],
    [
      "export default { fetch } shorthand",
      "s.ts",
      "const fetch = () => new Response();\nexport default { fetch };",
      "edge",
    ],
    [
      "export default { fetch } satisfies",
      "s.ts",
      "export default { fetch: f } satisfies object;",
      "edge",
    ],
    [
      "(request: Request) => ...",
      "s.ts",
      "export default (request: Request) => new Response('hi');",
      "edge",
    ],
    ["(r: Request) => ...", "s.ts", "export default (r: Request) => new Response('hi');", "edge"],
    [
      "function (request)",
      "s.js",
      "export default function (request) { return new Response(); }",
      "edge",
    ],
    [
      "a named local edge handler",
      "s.ts",
      "const h = (request) => new Response();\nexport default h;",
      "edge",
    ],
    [
      "export { h as default } of an edge function",
      "s.ts",
      "function h(q: Request) {}\nexport { h as default };",
      "edge",
    ],
    [
      "export default edge in TSX",
      "s.tsx",
      "export default (request: Request) => <div />;",
      "edge",
    ],
  ];
  for (const [name, filename, source, shape] of cases) {
    test(`${name} -> ${shape}`, () => {
      const result = normaliseOk(source, filename);
      assert.equal(result.shape, shape);
      assert.ok(result.code.endsWith(`export const __shape = "${shape}";`));
    });
  }
});

describe("normalise: output text", () => {
  test("wraps a return script in an async default function on its first line", () => {
    const result = normaliseOk("return 1;");
    assert.equal(
      result.code,
      'export default async function (req, res, metadata, shared, ws, mainResult) {{return 1;\n}}\nexport const __shape = "return";',
    );
    assert.deepEqual(result.transformations, ["wrap-async-function"]);
  });

  test("puts the wrapper after the last leading import so the body's columns stay put", () => {
    const source = "// @timeout 100\nimport a from 'a'; // note\nconst b = a;\nreturn b;";
    const result = normaliseOk(source);
    const lines = result.code.split("\n");
    assert.match(
      lines[1] ?? "",
      /^import a from 'a'; export default async function \(.*\) \{\{ \/\/ note$/,
    );
    assert.deepEqual(lines.slice(2, 4), ["const b = a;", "return b;"]);
    assert.deepEqual(result.insertions, [{ line: 2, column: 18, length: 78, replaced: 0 }]);
  });

  test("hoists imports that follow code and blanks them in place", () => {
    const source = "const a = 1;\nimport {\n  b, // the b\n  c,\n} from 'bc';\nreturn a + b + c;";
    const result = normaliseOk(source);
    const lines = result.code.split("\n");
    assert.match(
      lines[0] ?? "",
      /^import \{ b, c,? \} from ["']bc["']; export default async function/,
    );
    assert.ok(lines[0]?.endsWith("{const a = 1;"));
    assert.deepEqual(lines.slice(1, 5).map((line) => line.trim()), ["", "", "", ""]);
    assert.equal(lines[5], "return a + b + c;");
    assert.deepEqual(result.transformations, ["hoist-imports", "wrap-async-function"]);
  });

  test("keeps every original line on its line number", () => {
    const source = [
      "#!/usr/bin/env bun",
      "// @mode worker",
      "import x from 'x';",
      "interface Row { id: string }",
      "const rows: Row[] = [];",
      "import y from 'y';",
      "",
      "return rows.length + x + y;",
    ];
    const lines = normaliseOk(source.join("\n")).code.split("\n");
    assert.equal(lines[0], source[0]);
    for (const index of [1, 3, 4, 7]) assert.ok(lines[index]?.includes(source[index] ?? "?"));
    assert.equal(lines[5]?.trim(), "");
    assert.equal(lines.length, source.length + 2);
  });

  test("wraps CommonJS so it runs once with module, exports and require", () => {
    const source = "const lib = require('lodash');\nmodule.exports = async (req, res) => lib;";
    const result = normaliseOk(source, "handler.js");
    const lines = result.code.split("\n");
    assert.match(
      lines[0] ?? "",
      /^const __hoody_module = .*async function \(module, exports, require\) \{\{const lib/,
    );
    assert.equal(lines[1], source.split("\n")[1]);
    assert.ok(result.code.includes("export default __hoody_module.exports;"));
    assert.deepEqual(result.transformations, ["wrap-commonjs"]);
    assert.deepEqual(result.imports, ["lodash"]);
  });

  test("binds require to the sandbox's global, appended after the last line", () => {
    const cases: [string, string, string[]][] = [
      ["return script", "return require('x');", ["wrap-async-function", "bind-require"]],
      ["ES module", "export default () => require('x');", ["bind-require"]],
      ["ES module with its own require", "const require = f();\nexport default require;", []],
      ["CommonJS (require is a parameter)", "module.exports = require('x');", ["wrap-commonjs"]],
      ["script without require", "return 1;", ["wrap-async-function"]],
    ];
    for (const [name, source, transformations] of cases) {
      const result = normaliseOk(source);
      assert.deepEqual(result.transformations, transformations, name);
      const lastLine = result.code.split("\n").at(-1) ?? "";
      assert.equal(
        lastLine.includes("function require(id)"),
        transformations.includes("bind-require"),
      );
    }
  });

  test("leaves ES modules as they are, plus the shape export", () => {
    const source = "export default async function (req, res) {\n  return 1;\n}";
    const result = normaliseOk(source);
    assert.equal(result.code, `${source}\nexport const __shape = "esm";`);
    assert.deepEqual(result.transformations, []);
    assert.deepEqual(result.insertions, []);
  });

  test("drops `export` from type-only exports of a return script", () => {
    const source = "export interface A { a: number }\nexport type { B } from './b.ts';\nreturn 1;";
    const result = normaliseOk(source);
    assert.equal(result.shape, "return");
    assert.ok(!/\bexport (interface|type)/.test(result.code));
    assert.deepEqual(result.transformations, ["unexport-types", "wrap-async-function"]);
  });

  test("does not touch the injected free identifiers", () => {
    const source =
      "res.setHeader('x', '1');\nreturn [req, metadata, shared, ws, mainResult, require, console, fetch];";
    const result = normaliseOk(source);
    assert.ok(result.code.includes(source.split("\n")[1] ?? "?"));
  });
});

describe("normalise: imports", () => {
  test("lists bare packages imported or required statically", () => {
    const source = [
      "import a from 'lodash/fp';",
      "import * as b from '@scope/pkg/sub';",
      "import './local.ts';",
      "import fs from 'node:fs';",
      "import path from 'path';",
      "import type { T } from 'types-only';",
      "import { type U } from 'also-types';",
      "export * from 'reexported';",
      "const z = require('zod');",
      "const h = await import('hono');",
      "const lazy = await import(dynamicName);",
      "const again = require('lodash');",
      "export default () => [a, b, fs, path, z, h, lazy, again];",
    ].join("\n");
    assert.deepEqual(normaliseOk(source).imports, [
      "lodash",
      "@scope/pkg",
      "reexported",
      "zod",
      "hono",
    ]);
  });

  test("tells whether the script loads process as a module, in any form", () => {
    const rows: [string, boolean][] = [
      ["import process from 'node:process';\nexport default () => process.pid;", true],
      ["import { exit } from 'process';\nexport default () => exit;", true],
      ["const p = require('node:process');\nreturn p.pid;", true],
      ["const p = await import('process');\nreturn p.default.pid;", true],
      ["return process.pid;", false],
      ["import fs from 'node:fs';\nexport default () => fs;", false],
    ];
    for (const [source, expected] of rows) {
      assert.equal(normaliseOk(source).importsProcess, expected, source);
    }
  });

  test("tells whether none of the script's code can run once its call has returned", () => {
    const rows: [string, boolean][] = [
      ["return { hello: 'world' };", true],
      [
        "const n = Number(metadata.query.n ?? 1);\nconsole.log(n);\nreturn [1, 2].map((x) => x * n);",
        true,
      ],
      ["shared.count = (shared.count ?? 0) + 1;\nres.status(201).json({ n: shared.count });", true],
      ["export default function (req, res) { return { path: req.path }; }", true],
      ["try { JSON.parse(req.body); } catch { return 'bad'; }\nreturn 'ok';", true],
      ["const r = await fetch('https://example.com');\nreturn r.status;", false],
      ["export default async function () { return 1; }", false],
      ["export default () => new Promise((resolve) => resolve(1));", false],
      ["setTimeout(() => console.log('later'), 10);\nreturn 1;", false],
      ["return metadata.request.json().then((body) => body);", false],
      ["return crypto.subtle.digest('SHA-256', new Uint8Array(1)).catch(() => null);", false],
      ["return { toJSON() { console.log('serialising'); return 1; } };", false],
      ["return { get late() { return 1; } };", false],
      ["return Object.defineProperty({}, 'late', { get: () => 1, enumerable: true });", false],
      ["function* numbers() { yield 1; }\nreturn [...numbers()];", false],
      ["import { x } from './helper.ts';\nreturn x;", false],
      ["const m = await import(metadata.query.name);\nreturn m;", false],
      ["const lib = require('lodash');\nreturn lib.VERSION;", false],
      ["export default { fetch: (request) => new Response('hi') };", false],
      ["return globalThis['set' + 'Timeout'];", false],
    ];
    for (const [source, expected] of rows) {
      assert.equal(normaliseOk(source).runsWithinCall, expected, source);
    }
  });

  test("lists the packages a script imports by the one package-name rule", () => {
    const source = [
      "import _ from 'lodash/fp';",
      "import z from 'npm:zod@4';",
      "import { a } from '@scope/pkg/deep/file.js';",
      "import fs from 'node:fs';",
      "import p from 'fs/promises';",
      "import l from './local.ts';",
      "const again = require('lodash');",
      "export default () => [_, z, a, fs, p, l, again];",
    ].join("\n");
    assert.deepEqual(normaliseOk(source, "/srv/s/x.ts").imports, ["lodash", "zod", "@scope/pkg"]);
  });
});

describe("normalise: relative imports", () => {
  const filename = "/srv/scripts/1/users/list.ts";
  const rewritten: [string, string, string][] = [
    ["a static import", "import { x } from './_lib/helpers.ts';", "/1/users/_lib/helpers.ts"],
    ["a side-effect import", "import '../setup.js';", "/1/setup.js"],
    ["a re-export", 'export { y } from "../other.ts";', "/1/other.ts"],
    ["a star re-export", "export * from './all.ts';", "/1/users/all.ts"],
    ["a dynamic import", "const d = await import('./dyn.ts');", "/1/users/dyn.ts"],
    ["a template dynamic import", "const d = await import(`./t.tsx`);", "/1/users/t.tsx"],
    ["a path that needs escaping", "import './my lib/[id].ts';", "/1/users/my%20lib/[id].ts"],
  ];
  for (const [name, line, path] of rewritten) {
    test(`points ${name} at the user's folder`, () => {
      const result = normaliseOk(`${line}\nexport default () => 1;`, filename);
      assert.ok(result.code.includes(`"file:///srv/scripts${path}"`), result.code);
      assert.deepEqual(result.transformations, ["resolve-relative-imports"]);
    });
  }

  const kept: [string, string][] = [
    ["require", "const r = require('./r.js');"],
    ["import = require", "import r = require('./r.js');"],
    ["a bare package", "import z from 'zod';"],
    ["a node: built-in", "import fs from 'node:fs';"],
    ["an npm: specifier", "import z from 'npm:zod@4';"],
    ["a jsr: specifier", "import { serve } from 'jsr:@std/http';"],
    ["a URL", "import r from 'https://esm.sh/react';"],
    ["an absolute path", "import a from '/abs.ts';"],
    ["a computed dynamic import", "const d = await import(name);"],
    ["a type-only import", "import type { T } from './types.ts';"],
  ];
  for (const [name, line] of kept) {
    test(`leaves ${name} as written`, () => {
      const result = normaliseOk(`${line}\nexport default () => 1;`, filename);
      assert.ok(result.code.startsWith(`${line}\n`), result.code);
      assert.ok(!result.transformations.includes("resolve-relative-imports"));
    });
  }

  test("rewrites imports hoisted out of a return script and keeps lines", () => {
    const source = "const a = 1;\nimport { b } from './b.ts';\nreturn a + b;";
    const lines = normaliseOk(source, filename).code.split("\n");
    assert.match(
      lines[0] ?? "",
      /^import \{ b \} from "file:\/\/\/srv\/scripts\/1\/users\/b\.ts";/,
    );
    assert.equal(lines[1]?.trim(), "");
    assert.equal(lines[2], "return a + b;");
  });

  test("records each rewrite as an insertion that replaces the literal", () => {
    const source = "const m = await import('./m.ts');\nexport default m;";
    const result = normaliseOk(source, filename);
    const url = '"file:///srv/scripts/1/users/m.ts"';
    assert.deepEqual(result.insertions, [
      { line: 1, column: 23, length: url.length, replaced: 8 },
    ]);
    assert.equal(result.code.split("\n")[1], "export default m;");
  });
});

describe("normalise: errors", () => {
  const cases: [string, string, string, number, number][] = [
    ["a missing expression", "s.ts", "const a = 1;\nconst b = ;\n", 2, 11],
    ["an unclosed brace", "s.ts", "function f() {\n  return 1;\n", 3, 1],
    ["an unclosed call in TSX", "s.tsx", "// @mode worker\nconst x = <div>{f(</div>;", 2, 19],
    ["named exports without a default", "s.ts", "const a = 1;\nexport const b = 2;", 2, 1],
  ];
  for (const [name, filename, source, line, column] of cases) {
    test(`reports ${name} at ${line}:${column}`, () => {
      const result = normalise(source, filename);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.deepEqual([result.error.line, result.error.column], [line, column]);
      assert.ok(result.error.message.length > 0);
    });
  }
});

describe("toLoader", () => {
  const cases: [string, string][] = [
    ["a.ts", "ts"],
    ["a.mts", "ts"],
    ["a.tsx", "tsx"],
    ["a.js", "js"],
    ["a.mjs", "js"],
    ["a.cjs", "js"],
    ["a.jsx", "jsx"],
    ["A.TS", "ts"],
    ["noext", "ts"],
  ];
  for (const [filename, loader] of cases) {
    test(`${filename} -> ${loader}`, () => assert.equal(toLoader(filename), loader));
  }
});
