import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { request, suiteServer } from "../lib/server.ts";
import { CASES, type Exchange } from "./cases.ts";

const MIDDLEWARE = /(^|\/)(pre|post)\.[a-z]+$/;

/** Runs every conformance case against one server, with every script in `mode`. */
export function runConformance(mode: "worker" | "serverless"): void {
  describe(`conformance (${mode} mode)`, () => {
    const files: Record<string, string> = {};
    CASES.forEach((c, index) => {
      for (const [path, source] of Object.entries(c.files)) {
        files[`c${index}/${path}`] = MIDDLEWARE.test(path) ? source : `// @mode ${mode}\n${source}`;
      }
    });
    const server = suiteServer(files);

    CASES.forEach((c, index) => {
      test(c.name, async () => {
        for (const exchange of c.exchanges) {
          const response = await request(server, exchange.path, {
            ...exchange.init,
            host: `exec-c${index}.localhost`,
          });
          await expectExchange(response, exchange);
        }
      });
    });
  });
}

async function expectExchange(response: Response, expected: Exchange): Promise<void> {
  const label = `${expected.init?.method ?? "GET"} ${expected.path}`;
  const text = await response.text();
  assert.equal(
    response.status,
    expected.status,
    `${label}: status ${response.status}, body ${text}`,
  );
  if (expected.text !== undefined) assert.equal(text, expected.text, label);
  if (expected.json !== undefined) assert.deepEqual(JSON.parse(text), expected.json, label);
  if (expected.jsonHas !== undefined) {
    const body = JSON.parse(text) as Record<string, unknown>;
    for (const [key, value] of Object.entries(expected.jsonHas)) {
      assert.deepEqual(body[key], value, `${label}: ${key} in ${text}`);
    }
  }
  for (const [name, value] of Object.entries(expected.headers ?? {})) {
    assert.equal(response.headers.get(name), value, `${label}: header ${name}`);
  }
}
