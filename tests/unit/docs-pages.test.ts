/** The API reference pages in-process: behind the admin guard, and the policy they carry. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { docsPolicy } from "../../management/docs-pages.ts";
import { createInProcessManagement, type InProcessManagement } from "../lib/management-app.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";

const PAGES = [
  "/api/v1/exec/docs",
  "/api/v1/exec/user-openapi/docs",
  "/api/v1/exec/docs/scalar.js",
];

describe("API reference pages in-process", () => {
  let dir: ScriptsDir;
  let server: InProcessManagement;
  before(async () => {
    dir = tmpScripts({ "1/hello.ts": "return 1;\n", "2/two.ts": "return 2;\n" });
    server = await createInProcessManagement(dir.root, { adminToken: "secret-token" });
  });
  after(async () => {
    server[Symbol.dispose]();
    await dir[Symbol.asyncDispose]();
  });

  test("the script's hash is the only inline script the policy allows", async () => {
    const policy = await docsPolicy(["alert(1)"]);
    assert.match(
      policy,
      /script-src 'self' 'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF\+pI='; /,
    );
    assert.match(policy, /^default-src 'none'; /);
    assert.match(policy, /frame-ancestors 'none'/);
    assert.doesNotMatch(policy, /unsafe-eval|https?:/);
  });

  test("each page needs the admin token, like the API", async () => {
    for (const path of PAGES) {
      const without = await server.fetch(path);
      assert.equal(without.status, 401, path);
      assert.equal((await without.json()).code, "UNAUTHORIZED");
      const foreign = await server.fetch(path, {
        headers: { "x-admin-token": "secret-token", origin: "https://evil.example" },
      });
      assert.equal(foreign.status, 403, path);
      const ok = await server.fetch(path, { headers: { "x-admin-token": "secret-token" } });
      assert.equal(ok.status, 200, path);
      await ok.arrayBuffer();
    }
  });

  test("the user page points Scalar at the instance's spec; an unknown instance is a 404", async () => {
    const headers = { authorization: "Bearer secret-token" };
    const page = await server.fetch("/api/v1/exec/user-openapi/docs?execId=2", { headers });
    assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self' 'sha256-/);
    const html = await page.text();
    assert.match(html, /"url": "\/api\/v1\/exec\/user-openapi\/spec\?format=yaml&execId=2"/);
    assert.match(html, /<title>2: API<\/title>/);
    const unknown = await server.fetch("/api/v1/exec/user-openapi/docs?execId=nine", { headers });
    assert.equal(unknown.status, 404);
    assert.equal((await unknown.json()).code, "UNKNOWN_INSTANCE");
    const bad = await server.fetch("/api/v1/exec/user-openapi/docs?execId=a/b", { headers });
    assert.equal(bad.status, 400);
  });
});
