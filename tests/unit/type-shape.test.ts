import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, test } from "node:test";
import type TS from "typescript";
import { describeType, type JsonSchema } from "../../runtime/typecheck/type-shape.ts";

const ts = createRequire(import.meta.url)("typescript") as typeof TS;

const CASES: [string, JsonSchema][] = [
  ["string", { type: "string" }],
  ["number", { type: "number" }],
  ["boolean", { type: "boolean" }],
  ["null", { type: "null" }],
  ["unknown", {}],
  ["any", {}],
  ["undefined", { not: {} }],
  ['"ok"', { const: "ok" }],
  ["42", { const: 42 }],
  ["-1", { const: -1 }],
  ["true", { const: true }],
  ["string[]", { type: "array", items: { type: "string" } }],
  ["Array<number>", { type: "array", items: { type: "number" } }],
  ["readonly string[]", { type: "array", items: { type: "string" } }],
  [
    "[string, number]",
    { type: "array", prefixItems: [{ type: "string" }, { type: "number" }], items: false },
  ],
  [
    "{ id: number; name?: string }",
    {
      type: "object",
      properties: { id: { type: "number" }, name: { type: "string" } },
      required: ["id"],
    },
  ],
  ['{ "a-b": 1 }', { type: "object", properties: { "a-b": { const: 1 } }, required: ["a-b"] }],
  ["{ [key: string]: number }", {
    type: "object",
    properties: {},
    additionalProperties: { type: "number" },
  }],
  ["Record<string, boolean>", { type: "object", additionalProperties: { type: "boolean" } }],
  ['"a" | "b" | null', { anyOf: [{ const: "a" }, { const: "b" }, { type: "null" }] }],
  ["(string | number)[]", {
    type: "array",
    items: { anyOf: [{ type: "string" }, { type: "number" }] },
  }],
  ["{ a: 1 } & { b: 2 }", {
    allOf: [
      { type: "object", properties: { a: { const: 1 } }, required: ["a"] },
      { type: "object", properties: { b: { const: 2 } }, required: ["b"] },
    ],
  }],
  ["Date", { type: "string", format: "date-time" }],
  ["User", { tsType: "User" }],
  ["Promise<User>", { tsType: "Promise<User>" }],
  ["string; type X = 1", { tsType: "string; type X = 1" }],
];

describe("describeType: a TypeScript type as JSON Schema", () => {
  for (const [definition, expected] of CASES) {
    test(`${definition}`, () => assert.deepEqual(describeType(ts, definition), expected));
  }
});
