/**
 * The user's path, on a real server: add `hello.schema.json` beside `hello.ts` and the generated
 * spec shows the operation; the API reference pages render it in headless Chromium, with Scalar's
 * bundle from our own server and nothing fetched from anywhere else. Without Debian's `chromium`
 * (and no way to install it) the browser parts skip.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { parse } from "yaml";
import { ENDPOINTS } from "../../management/endpoints/index.ts";
import { validateDocument } from "../../management/user-openapi/validate.ts";
import { chromiumMissing, launchBrowser, watchPage } from "../lib/browser.ts";
import { runCli } from "../lib/processes.ts";
import { managementCall, request, suiteServer, type TestServer } from "../lib/server.ts";

const HELLO =
  "// @description Says hello to someone\n// @tags greetings\nreturn `hi ${req.query.name}`;\n";
const HELLO_SCHEMA = {
  method: "GET",
  request: { type: "object", properties: { name: { type: "string", description: "Who" } } },
  response: { type: "string" },
};

/** What a page did: its text once `expected` shows, CSP complaints, and any request off the server. */
async function openPage(browser: Browser, server: TestServer, path: string, expected: string) {
  const page = await browser.newPage();
  const { complaints, foreign } = watchPage(page, server.url);
  const response = await page.goto(`${server.url}${path}`);
  assert.equal(response?.status(), 200);
  await page.getByText(expected).first().waitFor({ timeout: 30_000 });
  const text = await page.locator("body").innerText();
  await page.close();
  return { text, complaints, foreign };
}

describe("user OpenAPI and the API reference pages on a real server", () => {
  const server = suiteServer({ "1/hello.ts": HELLO, "1/plain.ts": "return 1;\n" });

  test("adding hello.schema.json puts hello in the spec; the script still answers", async () => {
    const before = await managementCall(server, "GET", "/user-openapi/spec");
    assert.equal(before.status, 200);
    assert.deepEqual(before.body.data.paths, {});
    const write = await managementCall(server, "POST", "/scripts/write", {
      path: "hello.schema.json",
      content: JSON.stringify(HELLO_SCHEMA, null, 2),
    });
    assert.equal(write.status, 200, JSON.stringify(write.body));
    const after = await managementCall(server, "GET", "/user-openapi/spec");
    const op = after.body.data.paths["/hello"].get;
    assert.equal(op.summary, "Says hello to someone");
    assert.deepEqual(op.parameters.map((p: { name: string }) => p.name), ["name"]);
    assert.equal((await validateDocument(after.body.data)).valid, true);
    const yaml = await request(server, "/api/v1/exec/user-openapi/spec?format=yaml");
    assert.deepEqual(Object.keys(parse(await yaml.text()).paths), ["/hello"]);
    const hello = await request(server, "/hello?name=you");
    assert.equal(await hello.text(), "hi you");
  });

  test("the pages load Scalar from this server under a strict Content-Security-Policy", async () => {
    for (const path of ["/api/v1/exec/docs", "/api/v1/exec/user-openapi/docs"]) {
      const page = await request(server, path);
      assert.equal(page.status, 200);
      const html = await page.text();
      const policy = page.headers.get("content-security-policy") ?? "";
      assert.match(policy, /default-src 'none'/);
      assert.match(policy, /script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
      assert.match(html, /<script src="\/api\/v1\/exec\/docs\/scalar\.js">/);
      assert.doesNotMatch(html, /https?:\/\//);
    }
    const bundle = await request(server, "/api/v1/exec/docs/scalar.js");
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get("content-type") ?? "", /^text\/javascript/);
    assert.ok((await bundle.arrayBuffer()).byteLength > 100_000);
    const unknown = await request(server, "/api/v1/exec/user-openapi/docs?execId=nope");
    assert.equal(unknown.status, 404);
  });

  test("the CLI: openapi generate|serve|serve-schema, scripts list-user, validate user-schema", async () => {
    const cli = async (...args: string[]) => {
      const run = await runCli(["--url", server.url, ...args]).finished();
      assert.equal(run.code, 0, `${args.join(" ")}: ${run.stderr}`);
      return run.stdout;
    };
    const generated = JSON.parse(await cli("openapi", "generate", "--title", "Mine", "-o", "json"));
    assert.equal(generated.data.info.title, "Mine");
    assert.ok(generated.data.paths["/hello"].get);
    const listed = JSON.parse(await cli("scripts", "list-user", "-o", "json"));
    assert.deepEqual(
      listed.data.scripts.map((s: { path: string; hasSchema: boolean }) => [s.path, s.hasSchema]),
      [["hello.ts", true], ["plain.ts", false]],
    );
    const checked = JSON.parse(await cli("validate", "user-schema", "hello.ts", "-o", "json"));
    assert.equal(checked.data.valid, true);
    assert.equal(checked.data.format, "json-schema");
    const schema = JSON.parse(await cli("openapi", "serve-schema", "hello.ts", "-o", "json"));
    assert.deepEqual(schema.data, HELLO_SCHEMA);
    assert.match(await cli("openapi", "serve", "--format", "yaml"), /^openapi: 3\.0\.3$/m);
    assert.equal(JSON.parse(await cli("openapi", "get", "-o", "json")).openapi, "3.1.0");
    const failed = await runCli(["--url", server.url, "validate", "user-schema", "plain.ts"])
      .finished();
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /No schema file found for this script/);
  });

  describe("in headless Chromium", { skip: chromiumMissing ?? false }, () => {
    let browser: Browser;
    before(async () => {
      browser = await launchBrowser();
    });
    after(async () => await browser?.close());

    test("the user spec's page lists the hello operation", { timeout: 90_000 }, async () => {
      const seen = await openPage(
        browser,
        server,
        "/api/v1/exec/user-openapi/docs",
        "Says hello to someone",
      );
      assert.match(seen.text, /greetings/i);
      assert.deepEqual(seen.complaints, []);
      assert.deepEqual(seen.foreign, []);
    });

    test("the management API's page lists its operations", { timeout: 90_000 }, async () => {
      // Scalar opens the first tag's group; the others are listed by name.
      const seen = await openPage(browser, server, "/api/v1/exec/docs", ENDPOINTS[0]!.summary);
      for (const group of ["scripts", "logs", "openapi"]) {
        assert.match(seen.text, new RegExp(`^${group}$`, "m"));
      }
      assert.deepEqual(seen.complaints, []);
      assert.deepEqual(seen.foreign, []);
    });
  });
});
