import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Cors } from "../../runtime/directives/spec.ts";
import {
  allowedOrigin,
  corsHeaders,
  isPreflight,
  preflightResponse,
} from "../../runtime/server/cors.ts";

const APP = "https://app.example.com";
const settings = (cors: Cors, corsCredentials = false) => ({
  cors,
  corsCredentials,
  corsMethods: ["GET", "POST"],
});
const NONE: Cors = { kind: "none" };
const ANY: Cors = { kind: "any" };
const REFLECTIVE: Cors = { kind: "reflective" };
const ONLY_APP: Cors = { kind: "origin", origin: APP };

describe("allowedOrigin", () => {
  const rows: [string, Cors, boolean, string | null, string | null][] = [
    ["none allows nobody", NONE, false, APP, null],
    ["* without credentials", ANY, false, APP, "*"],
    ["* without credentials, no Origin", ANY, false, null, "*"],
    ["* with credentials echoes the origin", ANY, true, APP, APP],
    ["* with credentials and no Origin", ANY, true, null, null],
    ["* with credentials and Origin null", ANY, true, "null", null],
    ["* with credentials and a non-origin", ANY, true, "https://a.com/path", null],
    ["reflective echoes", REFLECTIVE, false, APP, APP],
    ["reflective refuses a malformed origin", REFLECTIVE, false, "not a url", null],
    ["reflective refuses null", REFLECTIVE, false, "null", null],
    ["a named origin matches itself", ONLY_APP, false, APP, APP],
    ["a named origin refuses another", ONLY_APP, false, "https://evil.com", null],
    ["a named origin refuses a longer one", ONLY_APP, false, `${APP}.evil.com`, null],
    ["a named origin refuses none", ONLY_APP, false, null, null],
  ];
  for (const [name, cors, credentials, origin, expected] of rows) {
    test(name, () => {
      assert.equal(allowedOrigin(settings(cors, credentials), origin), expected);
    });
  }
});

describe("corsHeaders", () => {
  const rows: [string, Cors, boolean, string | null, [string, string][]][] = [
    ["none sends nothing", NONE, false, APP, []],
    ["* sends * and no Vary", ANY, false, APP, [["access-control-allow-origin", "*"]]],
    ["an echoed origin varies by Origin", REFLECTIVE, false, APP, [
      ["access-control-allow-origin", APP],
      ["vary", "Origin"],
    ]],
    ["credentials are allowed with an echoed origin", ANY, true, APP, [
      ["access-control-allow-origin", APP],
      ["access-control-allow-credentials", "true"],
      ["vary", "Origin"],
    ]],
    ["a refused origin still varies", ONLY_APP, false, "https://evil.com", [["vary", "Origin"]]],
  ];
  for (const [name, cors, credentials, origin, expected] of rows) {
    test(name, () => {
      assert.deepEqual(corsHeaders(settings(cors, credentials), origin), expected);
    });
  }
});

const preflight = (origin: string, requestHeaders?: string) =>
  new Request("http://localhost/x", {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      ...(requestHeaders ? { "access-control-request-headers": requestHeaders } : {}),
    },
  });

describe("preflights", () => {
  const rows: [string, Request, boolean][] = [
    ["OPTIONS with Origin and a requested method", preflight(APP), true],
    ["a plain OPTIONS", new Request("http://localhost/x", { method: "OPTIONS" }), false],
    [
      "OPTIONS without a requested method",
      new Request("http://localhost/x", { method: "OPTIONS", headers: { origin: APP } }),
      false,
    ],
    [
      "a GET with both headers",
      new Request("http://localhost/x", {
        headers: { origin: APP, "access-control-request-method": "POST" },
      }),
      false,
    ],
  ];
  for (const [name, request, expected] of rows) {
    test(`isPreflight: ${name} -> ${expected}`, () => {
      assert.equal(isPreflight(request), expected);
    });
  }

  test("an allowed preflight answers 204 with the methods, the asked headers and a max-age", () => {
    const response = preflightResponse(settings(ONLY_APP), preflight(APP, "x-a, content-type"));
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("access-control-allow-origin"), APP);
    assert.equal(response.headers.get("access-control-allow-methods"), "GET, POST");
    assert.equal(response.headers.get("access-control-allow-headers"), "x-a, content-type");
    assert.equal(response.headers.get("access-control-max-age"), "600");
  });

  test("a refused preflight answers 204 without any allow header", () => {
    const response = preflightResponse(settings(ONLY_APP), preflight("https://evil.com", "x-a"));
    assert.equal(response.status, 204);
    const allows = [...response.headers.keys()].filter((n) => n.startsWith("access-control"));
    assert.deepEqual(allows, []);
  });
});
