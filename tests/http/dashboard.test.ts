/**
 * The web dashboard on a real server: its files are served without the token and with a strict
 * policy, the API behind it still wants the token, and in headless Chromium the route table shows
 * what the router serves, and a token-guarded server asks for the token and keeps it only in the
 * tab's sessionStorage. Without Debian's `chromium` the browser parts skip.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { DASHBOARD_PATH } from "../../runtime/server/management-path.ts";
import { chromiumMissing, launchBrowser, screenshot, watchPage } from "../lib/browser.ts";
import { request, suiteServer } from "../lib/server.ts";

const FILES = {
  "1/hello.ts": "return `hi ${req.query.name ?? 'you'}`;\n",
  "1/api/users/[id].ts": "// @mode worker\n// @timeout 5000\nreturn { id: req.params.id };\n",
  "1/tick.ts": "// @schedule */5 * * * *\nreturn 'tick';\n",
  "2/other.ts": "return 'other instance';\n",
};

describe("the dashboard's files", () => {
  const server = suiteServer(FILES, { adminToken: "dash-token" });

  test("page, script and stylesheet come without the token, with a strict policy", async () => {
    for (
      const [path, type] of [["", "text/html"], ["app.js", "text/javascript"], [
        "app.css",
        "text/css",
      ]]
    ) {
      const response = await request(server, DASHBOARD_PATH + path);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get("content-type") ?? "", new RegExp(type!));
      const policy = response.headers.get("content-security-policy") ?? "";
      assert.match(policy, /script-src 'self'(;|$)/);
      assert.match(policy, /frame-ancestors 'none'/);
      assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    }
    const bare = await request(server, "/api/v1/exec/ui");
    assert.equal(bare.status, 308);
    assert.equal(bare.headers.get("location"), DASHBOARD_PATH);
  });

  test("what the page shows still needs the token", async () => {
    const refused = await request(server, "/api/v1/exec/list");
    assert.equal(refused.status, 401);
    const taken = await request(server, "/api/v1/exec/list", {
      headers: { authorization: "Bearer dash-token" },
    });
    assert.equal(taken.status, 200);
  });

  test("route/discover with metadata carries each file's magic comments", async () => {
    const response = await request(server, "/api/v1/exec/route/discover", {
      method: "POST",
      headers: { authorization: "Bearer dash-token", "content-type": "application/json" },
      body: JSON.stringify({ includeMetadata: true }),
    });
    const body = await response.json();
    const users = body.routes.find((r: { filePath: string }) => r.filePath === "api/users/[id].ts");
    assert.deepEqual(users.comments, { mode: "worker", timeout: "5000" });
  });
});

describe("the dashboard in headless Chromium", { skip: chromiumMissing ?? false }, () => {
  const open = suiteServer(FILES);
  const guarded = suiteServer(FILES, { adminToken: "dash-token" });
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => await browser?.close());

  test(
    "the route table lists every route, filters, and switches instance",
    { timeout: 90_000 },
    async () => {
      const page = await browser.newPage();
      const seen = watchPage(page, open.url);
      await page.goto(open.url + DASHBOARD_PATH);
      const rows = page.locator("#panel-routes tbody tr");
      await page.locator('tr[data-file="api/users/[id].ts"]').waitFor({ timeout: 30_000 });
      assert.equal(await rows.count(), 3);
      const users = await page.locator('tr[data-file="api/users/[id].ts"]').innerText();
      assert.match(users, /\/api\/users\/:id/);
      assert.match(users, /worker/);
      assert.match(users, /@timeout 5000/);
      assert.match(await page.locator('tr[data-file="tick.ts"]').innerText(), /\*\/5 \* \* \* \*/);

      // A request shows as the route's last status.
      assert.equal((await request(open, "/hello")).status, 200);
      await page.getByRole("button", { name: "Refresh" }).click();
      await page.locator('tr[data-file="hello.ts"] td', { hasText: "200" }).waitFor();

      await page.getByLabel("Filter").fill("worker");
      await page.waitForFunction(() =>
        document.querySelectorAll("#panel-routes tbody tr").length === 1
      );
      await screenshot(page, "dashboard-routes");

      await page.getByLabel("Filter").fill("");
      await page.getByLabel("Instance").selectOption("2");
      await page.locator('tr[data-file="other.ts"]').waitFor();
      assert.equal(await rows.count(), 1);
      assert.deepEqual(seen.complaints, []);
      assert.deepEqual(seen.errors, []);
      assert.deepEqual(seen.foreign, []);
      await page.close();
    },
  );

  test("with --admin-token it asks for the token and keeps it in this tab only", {
    timeout: 90_000,
  }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(guarded.url + DASHBOARD_PATH);
    await page.getByLabel("Admin token").fill("wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText(/UNAUTHORIZED/).waitFor({ timeout: 30_000 });
    await page.getByLabel("Admin token").fill("dash-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator('tr[data-file="hello.ts"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.evaluate(() => document.cookie), "");
    assert.doesNotMatch(page.url(), /dash-token/);
    assert.equal(
      await page.evaluate(() => sessionStorage.getItem("hoody-exec.admin-token")),
      "dash-token",
    );
    // Another tab has to sign in again.
    const other = await context.newPage();
    await other.goto(guarded.url + DASHBOARD_PATH);
    await other.getByLabel("Admin token").waitFor();
    await context.close();
  });
});
