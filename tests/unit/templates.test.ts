import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fillTemplate, findPlaceholders } from "../../management/templates/fill.ts";
import { BUILTIN_DIR, scanBuiltinTemplates } from "../../management/templates/builtin.ts";
import { TEMPLATE_NAME, type TemplateParam } from "../../management/templates/metadata.ts";

const param = (name: string, extra: Partial<TemplateParam> = {}): TemplateParam => ({
  name,
  description: "",
  required: false,
  ...extra,
});

describe("templates: placeholders", () => {
  const cases: [string, string, string[]][] = [
    ["none", "return 1;", []],
    ["one", "return '{{a}}';", ["a"]],
    ["spaces inside the braces", "{{ a }} {{b}}", ["a", "b"]],
    ["repeated once listed", "{{a}}{{b}}{{a}}", ["a", "b"]],
    ["not an identifier", "{{1a}} {{a-b}} {{}}", []],
    ["single braces are code", "const o = { a: 1 }; return `${o.a}`;", []],
  ];
  for (const [name, code, expected] of cases) {
    test(name, () => assert.deepEqual(findPlaceholders(code), expected));
  }
});

describe("templates: fillTemplate", () => {
  const params = [
    param("path", { required: true }),
    param("greeting", { default: "hi" }),
    param("note"),
  ];
  const cases: [string, string, Record<string, unknown>, string][] = [
    ["given values", "{{path}}:{{greeting}}", { path: "/x", greeting: "yo" }, "/x:yo"],
    ["defaults fill what is not given", "{{path}}:{{greeting}}", { path: "/x" }, "/x:hi"],
    ["an optional param without default is empty", "[{{note}}]", { path: "/x" }, "[]"],
    ["null counts as not given", "{{greeting}}", { path: "/x", greeting: null }, "hi"],
    ["numbers and booleans as JSON", "{{path}} {{note}}", { path: 3, note: true }, "3 true"],
    ["objects as JSON", "{{note}}", { path: "a", note: { a: [1] } }, '{"a":[1]}'],
    ["every use replaced", "{{path}}{{ path }}", { path: "z" }, "zz"],
    ["$ patterns in values are literal", "{{path}}", { path: "$&$1" }, "$&$1"],
    ["undeclared placeholders stay", "{{other}}", { path: "a" }, "{{other}}"],
  ];
  for (const [name, code, variables, expected] of cases) {
    test(name, () => {
      const result = fillTemplate(code, params, variables);
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.code, expected);
    });
  }

  test("lists missing required params and unknown variables together", () => {
    assert.deepEqual(fillTemplate("{{path}}", params, { colour: "red", size: 1 }), {
      ok: false,
      missing: ["path"],
      unknown: ["colour", "size"],
    });
  });
});

describe("templates: names", () => {
  const cases: [string, boolean][] = [
    ["basic", true],
    ["my.tpl_v2-x", true],
    ["a".repeat(64), true],
    ["a".repeat(65), false],
    ["", false],
    ["a..b", false],
    ["..", false],
    ["a/b", false],
    ["a b", false],
    ["ü", false],
  ];
  for (const [name, ok] of cases) {
    test(`${JSON.stringify(name)} ${ok ? "is" : "is not"} a template name`, () => {
      assert.equal(TEMPLATE_NAME.test(name), ok);
    });
  }
});

describe("templates: built-ins", () => {
  test("every built-in's placeholders are declared params and every param is used", async () => {
    const templates = await scanBuiltinTemplates(BUILTIN_DIR);
    assert.ok(templates.has("basic"));
    for (const template of templates.values()) {
      const used = findPlaceholders(template.code).sort();
      const declared = template.metadata.params.map((p) => p.name).sort();
      assert.deepEqual(used, declared, template.name);
    }
  });
});
