/**
 * The dashboard's Logs tab on a real server in headless Chromium: a script's console lines arrive
 * live with their execution id, the level filter hides other levels, pause holds lines until
 * resume, a click on an execution id shows exactly that request's lines, past lines are searched
 * (text and regex), the access log shows one line per request with its status, a line with control
 * characters stays one escaped row, switching instance follows the other instance, and hiding the
 * tab ends the stream on the server. Without Debian's `chromium` it skips.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { DASHBOARD_PATH } from "../../runtime/server/management-path.ts";
import { activeFollowers } from "../../runtime/logs/follow.ts";
import { chromiumMissing, launchBrowser, screenshot, watchPage } from "../lib/browser.ts";
import { eventually, request, suiteServer } from "../lib/server.ts";

const FILES = {
  "1/talk.ts": `console.log("hello", metadata.query.who);
console.warn("careful", metadata.query.who);
console.error("failed", metadata.query.who);
return { id: metadata.executionId };`,
  "1/forge.ts": `console.log("first\\n2026-01-01T00:00:00.000Z [ERROR] [x.ts -] forged\\u0007bell");
return { id: metadata.executionId };`,
  "2/other.ts": `console.info("from the other instance");
return { id: metadata.executionId };`,
};

/** The visible rows of the live view: level (or status badge), execution id, every cell's text. */
async function liveRows(page: Page) {
  return await page.evaluate(() =>
    [...document.querySelectorAll<HTMLTableRowElement>("#panel-logs .log-scroll tbody tr")]
      .filter((row) => !row.hidden)
      .map((row) => ({
        level: row.dataset.level ?? "",
        id: row.dataset.executionId ?? "",
        cells: [...row.cells].map((cell) => cell.textContent ?? ""),
      }))
  );
}

describe("the dashboard's Logs tab", { skip: chromiumMissing ?? false }, () => {
  const server = suiteServer(FILES);
  const guarded = suiteServer(FILES, { adminToken: "logs-token" });
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => await browser?.close());

  const call = async (path: string, host?: string, to = server) => {
    const response = await request(to, path, host ? { host } : {});
    assert.equal(response.status, 200);
    return ((await response.json()) as { id: string }).id;
  };

  test("follows, filters, pauses, shows one request, searches, and follows the other instance", {
    timeout: 120_000,
  }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const seen = watchPage(page, server.url);
    await page.goto(server.url + DASHBOARD_PATH + "#logs");
    const status = page.locator("#panel-logs > .status");
    await status.getByText("Following the execution log of instance 1").waitFor({
      timeout: 30_000,
    });

    // A request's three lines arrive live, each with its execution id.
    const ann = await call("/talk?who=ann");
    const annRows = page.locator(`#panel-logs .log-scroll tr[data-execution-id="${ann}"]`);
    await annRows.nth(2).waitFor();
    assert.deepEqual(
      (await liveRows(page)).filter((r) => r.id === ann).map((r) => [r.level, r.cells[4]]),
      [["LOG", "hello ann"], ["WARN", "careful ann"], ["ERROR", "failed ann"]],
    );
    await page.locator("#panel-logs .log-scroll")
      .getByRole("button", { name: `Lines of request ${ann}` }).first().waitFor();

    // The level filter hides the other levels.
    await page.getByLabel("Level").selectOption("WARN");
    const warned = await liveRows(page);
    assert.deepEqual(warned.map((r) => r.cells[4]), ["careful ann"]);
    await page.getByLabel("Level").selectOption("");
    assert.equal((await liveRows(page)).length, 3);

    // Paused, new lines are held (and counted) until Resume.
    await page.getByRole("button", { name: "Pause" }).click();
    const bob = await call("/talk?who=bob");
    await page.locator("#panel-logs .log-count", { hasText: "3 new held" }).waitFor();
    assert.equal((await liveRows(page)).filter((r) => r.id === bob).length, 0);
    await page.getByRole("button", { name: "Resume" }).click();
    assert.equal((await liveRows(page)).filter((r) => r.id === bob).length, 3);

    // A line with a newline and a control character is one row, escaped, and forges nothing.
    const forge = await call("/forge");
    await page.locator(`#panel-logs .log-scroll tr[data-execution-id="${forge}"]`).waitFor();
    const forged = (await liveRows(page)).filter((r) => r.id === forge);
    assert.deepEqual(forged.map((r) => [r.level, r.cells[4]]), [[
      "LOG",
      "first\\n2026-01-01T00:00:00.000Z [ERROR] [x.ts -] forged\\u0007bell",
    ]]);
    assert.ok((await liveRows(page)).every((r) => r.cells[2] !== "x.ts"));

    // A click on ann's execution id shows exactly ann's lines, not bob's.
    await page.locator("#panel-logs .log-scroll")
      .getByRole("button", { name: `Lines of request ${ann}` }).first().click();
    const side = page.getByRole("table", { name: `Lines of request ${ann}` });
    await side.waitFor();
    const sideText = await side.locator("tbody tr").allInnerTexts();
    assert.equal(sideText.length, 3, sideText.join("\n"));
    assert.ok(sideText.every((line) => line.includes("ann") && !line.includes("bob")));
    await page.locator("#panel-logs .log-side .status", { hasText: "3 lines" }).waitFor();
    await screenshot(page, "dashboard-logs");

    // Past lines: a text search, then a regex; a bad regex says why.
    await page.getByLabel("Text").fill("careful");
    await page.getByRole("button", { name: "Search past lines" }).click();
    const results = page.getByRole("table", { name: "Search results" });
    await results.locator("tbody tr").nth(1).waitFor();
    const found = await results.locator("tbody tr").allInnerTexts();
    assert.equal(found.length, 2, found.join("\n"));
    assert.ok(found.some((l) => l.includes("careful ann")) && found.some((l) => l.includes("bob")));
    await page.getByLabel("Regex").check();
    await page.getByLabel("Text").fill("(hello|failed) bob");
    await page.getByRole("button", { name: "Search past lines" }).click();
    await page.locator("#panel-logs .log-side .status", { hasText: "2 matches" }).waitFor();
    assert.deepEqual(
      (await results.locator("tbody tr").allInnerTexts()).map((l) =>
        /\b(hello|failed) bob/.test(l)
      ),
      [true, true],
    );
    await page.getByLabel("Text").fill("(unclosed");
    await page.getByRole("button", { name: "Search past lines" }).click();
    await page.locator("#panel-logs .log-side .status", { hasText: "VALIDATION_ERROR" }).waitFor();
    await status.getByText("not a valid regex").waitFor();
    assert.equal(await page.getByLabel("Text").inputValue(), "(unclosed");
    await page.getByLabel("Regex").uncheck();
    await page.getByLabel("Text").fill("");

    // The access log: a line per request, with its status and duration.
    await page.getByLabel("Log", { exact: true }).selectOption("access");
    const annAccess = page.locator(`#panel-logs .log-scroll tr[data-execution-id="${ann}"]`);
    await annAccess.waitFor();
    const [time, code, duration, line] = (await liveRows(page)).find((r) => r.id === ann)!.cells;
    assert.match(time!, /^\d\d:\d\d:\d\d\.\d{3}$/);
    assert.equal(code, "200");
    assert.match(duration!, /^\d+\.\d ms$/);
    assert.equal(line, "GET /talk");
    await page.getByLabel("Status").selectOption("4xx");
    assert.equal((await liveRows(page)).length, 0);
    await page.getByLabel("Log", { exact: true }).selectOption("execution");

    // The other instance: its lines, not instance 1's; the old stream ended on the server.
    await page.getByLabel("Instance").selectOption("2");
    await status.getByText("Following the execution log of instance 2").waitFor();
    const other = await call("/other", "exec-2.localhost");
    await page.locator(`#panel-logs .log-scroll tr[data-execution-id="${other}"]`).waitFor();
    const rows = await liveRows(page);
    assert.deepEqual(rows.map((r) => r.cells[4]), ["from the other instance"]);
    assert.ok(await eventually(() => Promise.resolve(activeFollowers() === 1), 10_000));

    // Clear view empties it; new lines still come.
    await page.getByRole("button", { name: "Clear view" }).click();
    assert.equal((await liveRows(page)).length, 0);
    const again = await call("/other", "exec-2.localhost");
    const againRow = page.locator(`#panel-logs .log-scroll tr[data-execution-id="${again}"]`);
    await againRow.waitFor();
    assert.deepEqual((await liveRows(page)).map((r) => r.id), [again]);

    // Another tab shown: the stream ends on the server. Shown again, it follows again from the
    // file's start, without the lines cleared before (they come first, so they would be there).
    await page.getByRole("tab", { name: "Routes" }).click();
    assert.ok(await eventually(() => Promise.resolve(activeFollowers() === 0), 10_000));
    await page.getByRole("tab", { name: "Logs" }).click();
    await againRow.waitFor();
    assert.deepEqual((await liveRows(page)).map((r) => r.id), [again]);
    assert.ok(await eventually(() => Promise.resolve(activeFollowers() === 1), 10_000));

    assert.deepEqual(seen.complaints, []);
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(seen.foreign, []);
    await page.close();
    assert.ok(await eventually(() => Promise.resolve(activeFollowers() === 0), 10_000));
  });

  test("with --admin-token the stream carries the token, not in a URL", {
    timeout: 90_000,
  }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const seen = watchPage(page, guarded.url);
    const urls: string[] = [];
    page.on("request", (req) => urls.push(req.url()));
    await page.goto(guarded.url + DASHBOARD_PATH + "#logs");
    await page.getByLabel("Admin token").fill("logs-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("#panel-logs > .status", {
      hasText: "Following the execution log of instance 1",
    }).waitFor({ timeout: 30_000 });
    const id = await call("/talk?who=dee", undefined, guarded);
    await page.locator(`#panel-logs .log-scroll tr[data-execution-id="${id}"]`).nth(2).waitFor();
    assert.ok(urls.some((url) => url.includes("/logs/stream")));
    assert.ok(urls.every((url) => !url.includes("logs-token")));
    assert.deepEqual(seen.complaints, []);
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(seen.foreign, []);
    await page.close();
  });
});
