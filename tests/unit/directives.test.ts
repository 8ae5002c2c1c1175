import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_DIRECTIVES,
  PARSE_WINDOW_LINES,
  parseDirectives,
  parseDirectiveValue,
} from "../../runtime/directives/parse.ts";
import type { Directives } from "../../runtime/directives/spec.ts";
import { DIRECTIVE_SPECS, getDirectiveSpec } from "../../runtime/directives/table.ts";
import { DIRECTIVE_CATEGORIES } from "../../runtime/directives/spec.ts";
import { MAGIC_COMMENT_SCHEMA } from "../../runtime/directives/document.ts";

const parse = (...lines: string[]) => parseDirectives(lines.join("\n"));
const messages = (source: string) => parseDirectives(source).warnings.map((w) => w.message);

describe("defaults", () => {
  test("match the documented contract", () => {
    assert.deepEqual(
      DEFAULT_DIRECTIVES,
      {
        mode: "serverless",
        enabled: true,
        timeout: 3_600_000,
        awaitPromises: true,
        concurrent: true,
        cors: { kind: "none" },
        corsCredentials: false,
        corsMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        token: null,
        websocket: false,
        logLevel: "standard",
        logRequestBody: false,
        ai: false,
        aiModel: null,
        aiTemperature: null,
        aiMaxTokens: null,
        aiKey: null,
        schedule: null,
        description: null,
        label: null,
        tags: [],
      } satisfies Directives,
    );
    assert.equal(PARSE_WINDOW_LINES, 50);
  });

  test("a script without magic comments gets every default and no warnings", () => {
    for (const source of ["", "return 1;", "\n\n", "// just a comment\nexport default 1;"]) {
      const parsed = parseDirectives(source);
      assert.deepEqual(parsed.directives, DEFAULT_DIRECTIVES);
      assert.deepEqual(parsed.present, {});
      assert.deepEqual(parsed.warnings, []);
    }
  });

  test("each parse returns its own copies, and the shared defaults are frozen", () => {
    const a = parseDirectives("").directives;
    a.corsMethods.push("TRACE");
    a.tags.push("x");
    assert.deepEqual(parseDirectives("").directives.corsMethods, DEFAULT_DIRECTIVES.corsMethods);
    assert.deepEqual(parseDirectives("").directives.tags, []);
    assert.ok(
      Object.isFrozen(DEFAULT_DIRECTIVES) && Object.isFrozen(DEFAULT_DIRECTIVES.corsMethods),
    );
  });
});

describe("schema table", () => {
  test("has one entry per Directives field, named @kebab-case", () => {
    assert.deepEqual(
      DIRECTIVE_SPECS.map((s) => s.key).sort(),
      Object.keys(DEFAULT_DIRECTIVES).sort(),
    );
    for (const spec of DIRECTIVE_SPECS) {
      assert.match(spec.directive, /^@[a-z]+(?:-[a-z]+)*$/);
      assert.equal(getDirectiveSpec(spec.directive.slice(1)), spec);
      assert.ok(DIRECTIVE_CATEGORIES.includes(spec.category));
    }
  });

  test("documented when_omitted parses to the runtime default", () => {
    for (const spec of DIRECTIVE_SPECS) {
      const written = spec.defaults.when_omitted;
      if (written === null) continue;
      const result = parseDirectiveValue(spec, String(written));
      assert.ok(result.ok, spec.directive);
      assert.deepEqual(result.value, spec.fallback, spec.directive);
    }
  });

  test("every documented example parses without a warning", () => {
    for (const spec of DIRECTIVE_SPECS) {
      for (const example of spec.examples ?? []) {
        const parsed = parseDirectives(
          example.includes("@websocket") ? `// @mode worker\n${example}` : example,
        );
        assert.deepEqual(parsed.warnings, [], example);
        assert.ok(spec.directive.slice(1) in parsed.present, example);
      }
    }
  });

  test("the served document is plain JSON in the shape the original client declares", () => {
    const doc = JSON.parse(JSON.stringify(MAGIC_COMMENT_SCHEMA));
    assert.deepEqual(doc, MAGIC_COMMENT_SCHEMA);
    assert.equal(typeof doc.schema_version, "string");
    assert.equal(doc.total_fields, DIRECTIVE_SPECS.length);
    assert.equal(doc.parse_window_lines, PARSE_WINDOW_LINES);
    assert.equal(doc.unknown_keys_behavior, "warn_and_ignore");
    assert.deepEqual(Object.keys(doc.defaults_context).sort(), [
      "runtime",
      "sdk_import",
      "when_omitted",
    ]);
    assert.deepEqual(Object.keys(doc.source_of_truth).sort(), [
      "interface",
      "parser",
      "runtime_defaults",
      "sdk_import_defaults",
    ]);
    assert.deepEqual(Object.keys(doc.categories), [...DIRECTIVE_CATEGORIES]);
    assert.deepEqual(
      Object.values(doc.categories).flat().sort(),
      DIRECTIVE_SPECS.map((s) => s.key).sort(),
    );
    assert.equal(doc.fields.length, DIRECTIVE_SPECS.length);
    const allowed = new Set([
      "key",
      "directive",
      "category",
      "type",
      "enum_values",
      "accepts_keywords",
      "range",
      "description",
      "defaults",
      "examples",
      "notes",
    ]);
    for (const field of doc.fields) {
      for (const name of Object.keys(field)) assert.ok(allowed.has(name), name);
      assert.deepEqual(Object.keys(field.defaults).sort(), [
        "runtime",
        "sdk_import",
        "when_omitted",
      ]);
      if (field.notes !== undefined) assert.ok(Array.isArray(field.notes), field.key);
    }
  });
});

type Good = [line: string, key: keyof Directives, expected: unknown];

const GOOD: Good[] = [
  ["@mode worker", "mode", "worker"],
  ["@mode serverless", "mode", "serverless"],
  ["@mode WORKER", "mode", "worker"],
  ["@enabled false", "enabled", false],
  ["@enabled TRUE", "enabled", true],
  ["@enabled", "enabled", true],
  ["@timeout 30000", "timeout", 30_000],
  ["@timeout 0", "timeout", 0],
  ["@timeout unlimited", "timeout", 0],
  ["@timeout Unlimited", "timeout", 0],
  ["@timeout 86400000", "timeout", 86_400_000],
  ["@await-promises false", "awaitPromises", false],
  ["@concurrent 5", "concurrent", 5],
  ["@concurrent 1", "concurrent", 1],
  ["@concurrent 10000", "concurrent", 10_000],
  ["@concurrent true", "concurrent", true],
  ["@concurrent False", "concurrent", false],
  ["@cors none", "cors", { kind: "none" }],
  ["@cors *", "cors", { kind: "any" }],
  ["@cors reflective", "cors", { kind: "reflective" }],
  ["@cors https://app.example.com", "cors", { kind: "origin", origin: "https://app.example.com" }],
  ["@cors http://localhost:3000", "cors", { kind: "origin", origin: "http://localhost:3000" }],
  ["@cors HTTPS://App.Example.COM:443", "cors", {
    kind: "origin",
    origin: "https://app.example.com",
  }],
  ["@cors http://[::1]:8080", "cors", { kind: "origin", origin: "http://[::1]:8080" }],
  ["@cors-credentials true", "corsCredentials", true],
  ["@cors-methods GET,POST", "corsMethods", ["GET", "POST"]],
  ["@cors-methods get, post  put", "corsMethods", ["GET", "POST", "PUT"]],
  ["@cors-methods GET,GET,PROPFIND", "corsMethods", ["GET", "PROPFIND"]],
  ["@token s3cr3t", "token", "s3cr3t"],
  ["@token a b=c/+", "token", "a b=c/+"],
  ["@websocket false", "websocket", false],
  ["@log-level debug", "logLevel", "debug"],
  ["@log-level none", "logLevel", "none"],
  ["@log-level minimal", "logLevel", "minimal"],
  ["@log-level verbose", "logLevel", "verbose"],
  ["@log-request-body true", "logRequestBody", true],
  ["@ai true", "ai", true],
  ["@ai-model anthropic/claude-sonnet-4.5", "aiModel", "anthropic/claude-sonnet-4.5"],
  ["@ai-temperature 0", "aiTemperature", 0],
  ["@ai-temperature 0.7", "aiTemperature", 0.7],
  ["@ai-temperature 2", "aiTemperature", 2],
  ["@ai-temperature .5", "aiTemperature", 0.5],
  ["@ai-max-tokens 1024", "aiMaxTokens", 1024],
  ["@ai-key container-abc", "aiKey", "container-abc"],
  ["@schedule */5 * * * *", "schedule", "*/5 * * * *"],
  ["@schedule 0 9 * * MON-FRI", "schedule", "0 9 * * MON-FRI"],
  ["@schedule 0   *  * * *", "schedule", "0 * * * *"],
  ["@schedule @daily", "schedule", "@daily"],
  ["@schedule @Hourly", "schedule", "@hourly"],
  ["@description Returns the current user", "description", "Returns the current user"],
  ["@label Current user", "label", "Current user"],
  ["@tags users, admin", "tags", ["users", "admin"]],
  ["@tags a b,c a", "tags", ["a", "b", "c"]],
];

describe("good values", () => {
  for (const [line, key, expected] of GOOD) {
    test(`// ${line} sets ${key}`, () => {
      const parsed = parse(`// ${line}`);
      assert.deepEqual(parsed.warnings, []);
      assert.deepEqual(parsed.directives[key], expected);
    });
  }

  test("@websocket true is kept with @mode worker", () => {
    const parsed = parse("// @mode worker", "// @websocket true");
    assert.deepEqual(parsed.warnings, []);
    assert.equal(parsed.directives.websocket, true);
  });
});

type Bad = [line: string, key: keyof Directives, message: string];

const BAD: Bad[] = [
  ["@mode edge", "mode", '@mode must be "worker" or "serverless" (got "edge")'],
  ["@mode", "mode", '@mode needs a value: "worker" or "serverless"'],
  ["@enabled yes", "enabled", '@enabled must be "true" or "false" (got "yes")'],
  ["@enabled 1", "enabled", '@enabled must be "true" or "false" (got "1")'],
  [
    "@timeout fast",
    "timeout",
    '@timeout must be a non-negative integer of milliseconds, 0 or "unlimited" (got "fast")',
  ],
  ["@timeout -1", "timeout", '(got "-1")'],
  ["@timeout 1.5", "timeout", '(got "1.5")'],
  ["@timeout NaN", "timeout", '(got "NaN")'],
  ["@timeout 1e309", "timeout", '(got "1e309")'],
  ["@timeout Infinity", "timeout", '(got "Infinity")'],
  ["@timeout 0x10", "timeout", '(got "0x10")'],
  ["@timeout", "timeout", "@timeout needs a value: a non-negative integer"],
  ["@concurrent -5", "concurrent", "@concurrent must be a positive integer up to 10000"],
  ["@concurrent 0", "concurrent", '(got "0")'],
  ["@concurrent NaN", "concurrent", '(got "NaN")'],
  ["@concurrent 1e9", "concurrent", '(got "1e9")'],
  ["@concurrent 1000000000", "concurrent", '(got "1000000000")'],
  ["@concurrent 10001", "concurrent", '(got "10001")'],
  ["@concurrent 2.5", "concurrent", '(got "2.5")'],
  ["@cors everyone", "cors", '@cors must be "none", "*", "reflective" or one origin'],
  ["@cors https://app.example.com/", "cors", '(got "https://app.example.com/")'],
  ["@cors https://app.example.com/api", "cors", '(got "https://app.example.com/api")'],
  ["@cors https://app.example.com?x=1", "cors", '(got "https://app.example.com?x=1")'],
  ["@cors https://user:pw@app.example.com", "cors", "(got "],
  ["@cors ftp://files.example.com", "cors", '(got "ftp://files.example.com")'],
  ["@cors app.example.com", "cors", '(got "app.example.com")'],
  ["@cors https://a.example https://b.example", "cors", "(got "],
  ["@cors null", "cors", '(got "null")'],
  ["@cors-credentials maybe", "corsCredentials", '(got "maybe")'],
  ["@cors-methods GET,PO ST;", "corsMethods", "@cors-methods must be a comma- or space-separated"],
  ["@cors-methods GET,(POST)", "corsMethods", '(got "GET,(POST)")'],
  ["@cors-methods ,", "corsMethods", '(got ",")'],
  ["@token", "token", "@token needs a value"],
  ["@token ''", "token", "@token needs a value"],
  ["@token a\tb", "token", "@token must be a non-empty secret without control characters"],
  ["@websocket on", "websocket", '(got "on")'],
  [
    "@log-level loud",
    "logLevel",
    "@log-level must be one of none, minimal, standard, verbose, debug",
  ],
  ["@log-request-body sometimes", "logRequestBody", '(got "sometimes")'],
  ["@ai enabled", "ai", '(got "enabled")'],
  ["@ai-model gpt 4o", "aiModel", '(got "gpt 4o")'],
  ["@ai-temperature 2.5", "aiTemperature", "@ai-temperature must be a number from 0 to 2"],
  ["@ai-temperature -0.1", "aiTemperature", '(got "-0.1")'],
  ["@ai-temperature hot", "aiTemperature", '(got "hot")'],
  ["@ai-max-tokens 0", "aiMaxTokens", "@ai-max-tokens must be a positive integer"],
  ["@ai-max-tokens 12.5", "aiMaxTokens", '(got "12.5")'],
  ["@ai-max-tokens 1e6", "aiMaxTokens", '(got "1e6")'],
  ["@schedule every hour", "schedule", "@schedule must be a 5-field cron expression"],
  ["@schedule * * * *", "schedule", '(got "* * * *")'],
  ["@schedule * * * * * *", "schedule", '(got "* * * * * *")'],
  ["@schedule @reboot", "schedule", '(got "@reboot")'],
  ["@description", "description", "@description needs a value"],
  ["@label " + "x".repeat(201), "label", "@label must be text of at most 200 characters"],
  ["@tags " + "t".repeat(65), "tags", "@tags must be a comma- or space-separated list"],
];

describe("bad values fall back to the default with a warning", () => {
  for (const [line, key, message] of BAD) {
    test(`// ${line.slice(0, 60)}`, () => {
      const parsed = parse(`// ${line}`);
      assert.equal(parsed.warnings.length, 1, JSON.stringify(parsed.warnings));
      const [warning] = parsed.warnings;
      assert.ok(warning);
      assert.equal(warning.directive, line.split(" ")[0]);
      assert.ok(warning.message.includes(message), warning.message);
      assert.deepEqual(parsed.directives[key], DEFAULT_DIRECTIVES[key]);
    });
  }

  test("@timeout above 24 h is capped, not dropped", () => {
    for (const written of ["86400001", "999999999999", "9".repeat(400)]) {
      const parsed = parse(`// @timeout ${written}`);
      assert.equal(parsed.directives.timeout, 86_400_000);
      assert.equal(parsed.warnings.length, 1);
      assert.match(parsed.warnings[0]?.message ?? "", /^@timeout is capped at 86400000 \(got "/);
    }
  });

  test("a value longer than the limit is rejected before parsing", () => {
    const parsed = parse(`// @description ${"d".repeat(5000)}`);
    assert.equal(parsed.directives.description, null);
    assert.equal(
      parsed.warnings[0]?.message,
      "@description must be at most 4096 characters (got 5000)",
    );
  });

  test("warnings show long values shortened", () => {
    const [message] = messages(`// @mode ${"w".repeat(500)}`);
    assert.ok(message !== undefined && message.length < 200, message);
  });
});

describe("secrets", () => {
  test("@token and @ai-key values never appear in warnings", () => {
    const parsed = parse("// @token hunter2\tx", "// @ai-key sk-1", "// @ai-key sk-2");
    assert.equal(parsed.warnings.length, 2);
    for (const warning of parsed.warnings) {
      assert.equal(warning.value, "[redacted]");
      assert.ok(!/hunter2|sk-1|sk-2/.test(warning.message), warning.message);
    }
    assert.match(parsed.warnings[1]?.message ?? "", /\(got a value of 9 characters\)$/);
    assert.equal(parsed.directives.aiKey, "sk-2");
    assert.equal(parsed.present.token, "hunter2\tx");
  });
});

describe("control characters (header injection)", () => {
  const rows: [name: string, source: string, key: keyof Directives][] = [
    ["lone CR in @token", "// @token abc\rdef", "token"],
    ["lone CR before the value", "// @token\rabc", "token"],
    ["NUL in @token", "// @token abc\u0000def", "token"],
    ["NUL in @label", "// @label a\u0000b", "label"],
    ["U+2028 in @description", "// @description a\u2028b", "description"],
    ["ESC in @label", "// @label \u001b[31mred", "label"],
    ["CR in @cors", "// @cors https://a.example\rX-Evil: 1", "cors"],
  ];
  for (const [name, source, key] of rows) {
    test(`rejects ${name}`, () => {
      const parsed = parseDirectives(source);
      assert.deepEqual(parsed.directives[key], DEFAULT_DIRECTIVES[key]);
      assert.equal(parsed.warnings.length, 1);
      assert.match(
        parsed.warnings[0]?.message ?? "",
        /must not contain control characters such as CR, LF or NUL/,
      );
      const message = parsed.warnings[0]?.message ?? "";
      for (const c of ["\r", "\0", "\u2028", "\u001b"]) assert.ok(!message.includes(c));
    });
  }

  test("LF, CR and NUL are rejected by parseDirectiveValue too (the update API path)", () => {
    const spec = getDirectiveSpec("token");
    assert.ok(spec);
    for (const value of ["a\nb", "a\r\nb", "a\u0000b", "\n"]) {
      assert.equal(parseDirectiveValue(spec, value).ok, false, JSON.stringify(value));
    }
    assert.deepEqual(parseDirectiveValue(spec, "abc"), { ok: true, value: "abc" });
  });

  test("a tab is fine in text but not in a secret", () => {
    assert.equal(parse("// @label a\tb").directives.label, "a\tb");
    assert.equal(parse("// @token a\tb").directives.token, null);
  });
});

describe("quoting", () => {
  const rows: [line: string, key: keyof Directives, expected: unknown][] = [
    ["// @schedule '0 * * * *'", "schedule", "0 * * * *"],
    ['// @schedule "0 * * * *"', "schedule", "0 * * * *"],
    ["// @mode 'worker'", "mode", "worker"],
    ['// @timeout "5000"', "timeout", 5000],
    ['// @token "it\'s a secret"', "token", "it's a secret"],
    ["// @token 'a\"b'", "token", 'a"b'],
    ["// @label '  spaced  '", "label", "  spaced  "],
    ['// @label "Don\'t"', "label", "Don't"],
  ];
  for (const [line, key, expected] of rows) {
    test(`${line} -> ${JSON.stringify(expected)}`, () => {
      const parsed = parseDirectives(line);
      assert.deepEqual(parsed.warnings, []);
      assert.deepEqual(parsed.directives[key], expected);
    });
  }

  test("unbalanced quotes are kept as written", () => {
    assert.equal(parse("// @label 'half").directives.label, "'half");
    assert.equal(parse("// @label it's").directives.label, "it's");
    assert.equal(parse(`// @label 'mixed"`).directives.label, `'mixed"`);
  });

  test("present records values without the quotes", () => {
    const parsed = parse(
      "// @schedule '0 * * * *'",
      "// @cors-methods GET,POST",
      "// @mode worker",
    );
    assert.deepEqual(parsed.present, {
      schedule: "0 * * * *",
      "cors-methods": "GET,POST",
      mode: "worker",
    });
  });
});

describe("header end rules", () => {
  test("a directive after code is not read", () => {
    const parsed = parse("const x = 1;", "// @mode worker");
    assert.equal(parsed.directives.mode, "serverless");
    assert.deepEqual(parsed.present, {});
    assert.equal(parsed.headerLines, 0);
  });

  test("code between directives stops parsing", () => {
    const parsed = parse("// @mode worker", "import x from 'y';", "// @timeout 5");
    assert.equal(parsed.directives.mode, "worker");
    assert.equal(parsed.directives.timeout, 3_600_000);
    assert.equal(parsed.headerLines, 1);
  });

  test('"use strict" is code', () => {
    assert.equal(parse('"use strict";', "// @mode worker").directives.mode, "serverless");
  });

  test("blank lines and plain comments may sit among directives", () => {
    const parsed = parse(
      "// My endpoint",
      "",
      "// @mode worker",
      "   ",
      "//   indented prose @ not a directive",
      "\t// @timeout 5000",
      "//@concurrent 3",
      "",
      "return 1;",
    );
    assert.equal(parsed.directives.mode, "worker");
    assert.equal(parsed.directives.timeout, 5000);
    assert.equal(parsed.directives.concurrent, 3);
    assert.deepEqual(parsed.warnings, []);
    assert.equal(parsed.headerLines, 7);
  });

  test("a shebang line on line 1 is skipped", () => {
    const parsed = parse("#!/usr/bin/env -S deno run", "// @mode worker", "return 1");
    assert.equal(parsed.directives.mode, "worker");
    assert.equal(parsed.headerLines, 2);
  });

  test("a shebang after line 1 is code", () => {
    assert.equal(parse("", "#!/bin/sh", "// @mode worker").directives.mode, "serverless");
  });

  test("a BOM is tolerated, also before a shebang", () => {
    assert.equal(parseDirectives("\uFEFF// @mode worker").directives.mode, "worker");
    assert.equal(parseDirectives("\uFEFF#!/x\n// @mode worker").directives.mode, "worker");
  });

  test("CRLF line endings", () => {
    const parsed = parseDirectives("// @mode worker\r\n// @timeout 5\r\n\r\nreturn 1;\r\n");
    assert.equal(parsed.directives.mode, "worker");
    assert.equal(parsed.directives.timeout, 5);
    assert.deepEqual(parsed.warnings, []);
    assert.equal(parsed.headerLines, 2);
  });

  test("block comments may sit among directives; directives inside them are not read", () => {
    const parsed = parse(
      "/**",
      " * Docs.",
      " // @timeout 1",
      " */",
      "// @mode worker",
      "/* one line */ // @concurrent 2",
      "/* a */ /* b */",
      "return 1;",
    );
    assert.equal(parsed.directives.mode, "worker");
    assert.equal(parsed.directives.concurrent, 2);
    assert.equal(parsed.directives.timeout, 3_600_000);
    assert.equal(parsed.headerLines, 7);
  });

  test("code after a block comment on the same line ends the header", () => {
    const parsed = parse("/* hi */ const x = 1;", "// @mode worker");
    assert.equal(parsed.directives.mode, "serverless");
    assert.equal(parsed.headerLines, 0);
  });

  test("an unterminated block comment swallows the rest", () => {
    const parsed = parse("/* open", "// @mode worker");
    assert.equal(parsed.directives.mode, "serverless");
    assert.equal(parsed.headerLines, 2);
  });

  test("/*/ opens a block comment, as in JavaScript", () => {
    assert.equal(parse("/*/", "// @mode worker", "*/").directives.mode, "serverless");
  });

  test("a file of only directives has them all as header", () => {
    assert.equal(parse("// @mode worker", "// @ai true").headerLines, 2);
  });

  test(`only the first ${PARSE_WINDOW_LINES} lines are read; a directive past them is reported`, () => {
    const filler = Array.from({ length: PARSE_WINDOW_LINES - 1 }, (_, i) => `// line ${i}`);
    const inside = parse(...filler, "// @mode worker", "// @timeout 5", "// @nope 1", "return 1;");
    assert.equal(inside.directives.mode, "worker");
    assert.equal(inside.directives.timeout, 3_600_000);
    assert.equal(inside.headerLines, PARSE_WINDOW_LINES);
    assert.deepEqual(inside.warnings.map((w) => w.message), [
      `@timeout on line ${
        PARSE_WINDOW_LINES + 1
      } is outside the first ${PARSE_WINDOW_LINES} lines that are read; it is ignored`,
    ]);
  });

  test("TypeScript, Deno and JSX pragmas are not reported as unknown", () => {
    const parsed = parse(
      "// @ts-nocheck",
      '// @deno-types="./x.d.ts"',
      "// @jsxImportSource preact",
      "// @mode worker",
    );
    assert.deepEqual(parsed.warnings, []);
    assert.equal(parsed.directives.mode, "worker");
  });

  test("/// triple-slash lines are plain comments", () => {
    assert.deepEqual(parse("/// @mode worker").present, {});
  });
});

describe("repeated and unknown directives", () => {
  test("the last of a repeated directive wins, with a warning", () => {
    const parsed = parse("// @mode worker", "// @timeout 5", "// @mode serverless");
    assert.equal(parsed.directives.mode, "serverless");
    assert.equal(parsed.present.mode, "serverless");
    assert.deepEqual(parsed.warnings, [{
      directive: "@mode",
      value: "serverless",
      message: "@mode is set more than once (lines 1 and 3); the last value wins",
    }]);
  });

  test("an invalid first value does not matter once a later one is valid", () => {
    const parsed = parse("// @timeout fast", "// @timeout 10");
    assert.equal(parsed.directives.timeout, 10);
    assert.equal(parsed.warnings.length, 1);
  });

  test("an unknown directive is a warning, never an error", () => {
    const parsed = parse("// @foo bar", "// @mode worker");
    assert.equal(parsed.directives.mode, "worker");
    assert.deepEqual(parsed.warnings, [{
      directive: "@foo",
      value: "bar",
      message: "unknown directive @foo; it is ignored",
    }]);
    assert.deepEqual(parsed.present, { mode: "worker" });
  });

  test("names are case-sensitive", () => {
    const parsed = parse("// @Mode worker");
    assert.equal(parsed.directives.mode, "serverless");
    assert.equal(parsed.warnings[0]?.message, "unknown directive @Mode; it is ignored");
  });

  test("a name glued to its value is unknown", () => {
    assert.deepEqual(messages("// @mode=worker"), [
      "unknown directive @mode=worker; it is ignored",
    ]);
  });

  test("__proto__ and friends are just unknown names", () => {
    const parsed = parse("// @__proto__ x", "// @constructor y");
    assert.equal(parsed.warnings.length, 2);
    assert.equal(Object.getPrototypeOf(parsed.present), Object.prototype);
    assert.deepEqual(parsed.directives, DEFAULT_DIRECTIVES);
  });

  test("unknown names with control characters are escaped in the message", () => {
    const [message] = messages("// @fo\u0000o 1");
    assert.equal(message, "unknown directive @fo\\u0000o; it is ignored");
  });
});

describe("combinations", () => {
  test("@websocket true with serverless mode is ignored with a warning", () => {
    const parsed = parse("// @websocket true");
    assert.equal(parsed.directives.websocket, false);
    assert.deepEqual(parsed.warnings, [{
      directive: "@websocket",
      value: "true",
      message: "@websocket needs @mode worker; it is ignored in serverless mode",
    }]);
  });

  test("@cors-credentials true with @cors * is ignored with a warning", () => {
    const parsed = parse("// @cors *", "// @cors-credentials true");
    assert.equal(parsed.directives.corsCredentials, false);
    assert.equal(parsed.warnings[0]?.directive, "@cors-credentials");
    const reflective = parse("// @cors reflective", "// @cors-credentials true");
    assert.equal(reflective.directives.corsCredentials, true);
    assert.deepEqual(reflective.warnings, []);
  });
});

describe("a realistic header", () => {
  test("resolves every directive", () => {
    const parsed = parse(
      "#!/usr/bin/env bun",
      "// Orders API",
      "// @mode worker",
      "// @timeout 30000",
      "// @concurrent 4",
      "// @cors https://shop.example.com",
      "// @cors-credentials true",
      "// @cors-methods GET, POST",
      "// @token t0ken",
      "// @websocket true",
      "// @log-level verbose",
      "// @ai true",
      "// @ai-model openai/gpt-4o",
      "// @ai-temperature 0.3",
      "// @ai-max-tokens 512",
      "// @schedule '*/15 * * * *'",
      "// @description Lists orders",
      "// @label Orders",
      "// @tags shop,orders",
      "",
      "import { z } from 'zod';",
    );
    assert.deepEqual(parsed.warnings, []);
    assert.equal(parsed.headerLines, 19);
    assert.deepEqual(parsed.directives, {
      ...DEFAULT_DIRECTIVES,
      mode: "worker",
      timeout: 30_000,
      concurrent: 4,
      cors: { kind: "origin", origin: "https://shop.example.com" },
      corsCredentials: true,
      corsMethods: ["GET", "POST"],
      token: "t0ken",
      websocket: true,
      logLevel: "verbose",
      ai: true,
      aiModel: "openai/gpt-4o",
      aiTemperature: 0.3,
      aiMaxTokens: 512,
      schedule: "*/15 * * * *",
      description: "Lists orders",
      label: "Orders",
      tags: ["shop", "orders"],
    });
  });

  test("parses a large script quickly (only the header is scanned)", () => {
    const source = `// @mode worker\n${"const a = 1;\n".repeat(200_000)}`;
    const start = performance.now();
    for (let i = 0; i < 100; i++) parseDirectives(source);
    assert.ok(performance.now() - start < 500);
  });
});
