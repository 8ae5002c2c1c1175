/**
 * The dashboard's Stats panel on a real server in headless Chromium: a script's requests show in
 * its row and on the charts, a throwing script's errors list their execution ids (a click opens the
 * logs tab), host processes and memory show, polling stops when the tab is hidden, and a worker's
 * shared value is edited (with a confirm dialog) and then read by the script over HTTP. Without
 * Debian's `chromium` it skips.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { DASHBOARD_PATH } from "../../runtime/server/management-path.ts";
import { chromiumMissing, launchBrowser, screenshot, watchPage } from "../lib/browser.ts";
import { managementCall, request, suiteServer } from "../lib/server.ts";

const FILES = {
  "1/hello.ts": "return `hi ${req.query.name ?? 'you'}`;\n",
  "1/boom.ts": "throw new Error('kaboom');\n",
  "1/counter.ts":
    "// @mode worker\nshared.count = (shared.count ?? 0) + 1;\nreturn { count: shared.count };\n",
  "2/other.ts": "return 'other instance';\n",
};

interface ScriptRow {
  scriptPath: string;
  execId: string;
  recentErrors: { executionId: string }[];
}

describe("the dashboard's Stats panel", { skip: chromiumMissing ?? false }, () => {
  const server = suiteServer(FILES);
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => await browser?.close());

  /** The Stats tab on a 1280x800 page, once its first poll has shown. */
  async function openStats(): Promise<{ page: Page; seen: ReturnType<typeof watchPage> }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const seen = watchPage(page, server.url);
    await page.goto(server.url + DASHBOARD_PATH + "#stats");
    await page.getByText(/updated .*, every 2 s/).waitFor({ timeout: 30_000 });
    return { page, seen };
  }

  function assertClean(seen: ReturnType<typeof watchPage>): void {
    assert.deepEqual(seen.complaints, []);
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(seen.foreign, []);
  }

  test("a script's requests show in its row and on the charts, with hosts and memory", {
    timeout: 120_000,
  }, async () => {
    const { page, seen } = await openStats();
    for (let i = 0; i < 5; i++) assert.equal((await request(server, "/hello")).status, 200);

    const row = page.locator('#panel-stats tr[data-script="hello.ts"]');
    await row.locator("td:nth-child(3)", { hasText: /^5$/ }).waitFor();
    assert.match(await row.innerText(), /200/);
    // The busiest script is charted by default, and its rate comes from two polls.
    assert.equal(await page.getByLabel("Chart hello.ts").isChecked(), true);
    const requests = page.locator('[data-chart="requests"]');
    await page.waitForFunction(() =>
      Number(document.querySelector('[data-chart="requests"]')?.getAttribute("data-max")) > 0
    );
    assert.match(await requests.locator("figcaption").innerText(), /hello\.ts \d/);
    assert.equal(await requests.locator("canvas").count(), 1);

    // Host processes with their mode, pid and RSS; the server's memory.
    const stats = await managementCall(server, "GET", "/monitor/stats");
    const hosts = (stats.body as { hosts: { pid: number; mode: string }[] }).hosts;
    assert.ok(hosts.length > 0);
    const hostsTable = page.locator("table", { has: page.getByText("Host processes") });
    await hostsTable.getByRole("cell", { name: String(hosts[0]!.pid), exact: true }).waitFor();
    assert.match(await hostsTable.innerText(), /(worker|serverless)\s+\d+\s+[\d.]+ MiB/);
    assert.match(await page.locator(".stats-summary").innerText(), /Server memory\s+[\d.]+ MiB/);
    assert.match(await page.locator(".stats-summary").innerText(), /Uptime/);

    // Unticking a script takes its line off the charts.
    await page.getByLabel("Chart hello.ts").uncheck();
    await page.waitForFunction(() =>
      !/hello\.ts/.test(document.querySelector('[data-chart="requests"] figcaption')!.textContent!)
    );
    // "Chart the busiest" returns to the default, and is off while it is the default.
    const busiest = page.getByRole("button", { name: "Chart the busiest" });
    await busiest.click();
    await requests.locator("figcaption", { hasText: "hello.ts" }).waitFor();
    assert.equal(await busiest.isDisabled(), true);
    assert.equal(await page.getByLabel("Chart hello.ts").isChecked(), true);
    // The table is redrawn on every poll: the keyboard focus stays on its checkbox.
    const shown = await page.getByText(/updated /).innerText();
    await page.getByLabel("Chart hello.ts").focus();
    await page.waitForFunction(
      (before) => !document.querySelector(".stats .toolbar")!.textContent!.includes(before),
      shown,
    );
    assert.equal(
      await page.evaluate(() => document.activeElement?.getAttribute("aria-label")),
      "Chart hello.ts",
    );
    await screenshot(page, "dashboard-stats");

    // Another instance shows only its own scripts.
    assert.equal((await request(server, "/other", { host: "exec-2.localhost" })).status, 200);
    await page.getByLabel("Instance").selectOption("2");
    await page.locator('#panel-stats tr[data-script="other.ts"]').waitFor();
    assert.equal(await page.locator('#panel-stats tr[data-script="hello.ts"]').count(), 0);
    await page.getByLabel("Instance").selectOption("1");
    assertClean(seen);
    await page.close();
  });

  test("polling stops while another tab is shown", { timeout: 60_000 }, async () => {
    const { page, seen } = await openStats();
    let polls = 0;
    page.on("request", (req) => {
      if (req.url().includes("/monitor/stats")) polls += 1;
    });
    await page.getByRole("tab", { name: "Routes" }).click();
    const before = polls;
    await page.waitForTimeout(5000); // More than two poll periods.
    assert.equal(polls, before);
    await page.getByRole("tab", { name: "Stats" }).click();
    await page.waitForRequest((req) => req.url().includes("/monitor/stats"));

    // The network drops: the panel says so, keeps its figures, and recovers on its own.
    const status = page.locator(".stats > [role=status]");
    await page.route("**/monitor/stats", (route) => route.abort());
    await status.getByText(/Could not read the monitor/).waitFor();
    assert.equal(await status.getAttribute("data-kind"), "error");
    assert.match(await page.locator(".stats-summary").innerText(), /Uptime/);
    await page.unroute("**/monitor/stats");
    await page.waitForFunction(() =>
      document.querySelector(".stats > [role=status]")?.getAttribute("data-kind") !== "error"
    );
    assertClean(seen);
    await page.close();
  });

  test("a throwing script lists its errors with execution ids; a click opens the logs", {
    timeout: 60_000,
  }, async () => {
    assert.equal((await request(server, "/boom")).status, 500);
    const scripts = await managementCall(server, "GET", "/monitor/scripts?limit=500");
    const boom = (scripts.body as { scripts: ScriptRow[] }).scripts
      .find((s) => s.execId === "1" && s.scriptPath === "boom.ts")!;
    const id = boom.recentErrors.at(-1)!.executionId;
    assert.match(id, /\S/);

    const { page, seen } = await openStats();
    const button = page.getByRole("button", { name: `Logs of execution ${id}` });
    await button.waitFor();
    const errorRow = page.locator("tr", { has: button });
    assert.match(await errorRow.innerText(), /boom\.ts\s+500/);
    assert.match(
      await page.locator('#panel-stats tr[data-script="boom.ts"] td.bad').first().innerText(),
      /^[1-9]\d*$/,
    );
    const logsTab = await page.locator("#tab-logs").count();
    await button.click();
    // The logs panel is another module: without it the shell falls back to the first tab.
    await page.waitForFunction(() => location.hash !== "#stats");
    assert.equal(await page.evaluate(() => location.hash), logsTab > 0 ? "#logs" : "#routes");
    assertClean(seen);
    await page.close();
  });

  test("a worker's shared value shows, is set after a confirm, and the script reads it", {
    timeout: 60_000,
  }, async () => {
    assert.deepEqual(await (await request(server, "/counter")).json(), { count: 1 });
    assert.deepEqual(await (await request(server, "/counter")).json(), { count: 2 });
    const { page, seen } = await openStats();
    const view = page.getByLabel("Shared state", { exact: true });
    await page.waitForFunction(() =>
      /"count": 2/.test(document.querySelector(".stats-shared")?.textContent ?? "")
    );
    assert.deepEqual(JSON.parse(await view.innerText()), { count: 2 });

    const key = page.getByLabel("Key (dot path)");
    const value = page.getByLabel("Value (JSON)");
    const status = page.locator(".stats-shared-state [role=status]");
    await key.fill("count");
    await page.getByRole("button", { name: "Load" }).click();
    await status.getByText("Loaded count").waitFor();
    assert.equal(await value.inputValue(), "2");

    // Not JSON: refused before any call, and what was typed stays.
    await value.fill("{oops");
    await page.getByRole("button", { name: "Save…" }).click();
    await status.getByText(/not JSON/).waitFor();
    assert.equal(await value.inputValue(), "{oops");
    assert.equal(await value.getAttribute("aria-invalid"), "true");

    // Cancel changes nothing; Set does.
    await value.fill("100");
    await page.getByRole("button", { name: "Save…" }).click();
    const dialog = page.getByRole("dialog");
    assert.match(await dialog.innerText(), /Set count in instance 1 to 100\?/);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await status.getByText("Not changed").waitFor();
    assert.deepEqual(await (await request(server, "/counter")).json(), { count: 3 });

    await value.fill("100");
    await page.getByRole("button", { name: "Save…" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Set" }).click();
    await status.getByText("Set count").waitFor();
    await page.waitForFunction(() =>
      /"count": 100/.test(document.querySelector(".stats-shared")?.textContent ?? "")
    );
    assert.deepEqual(await (await request(server, "/counter")).json(), { count: 101 });

    // A refused value shows the API's code and message.
    await key.fill("a..b");
    await page.getByRole("button", { name: "Save…" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Set" }).click();
    await status.getByText(/VALIDATION_ERROR|empty segment/).waitFor();
    assert.equal(await value.inputValue(), "100");

    await key.fill("count");
    await page.getByRole("button", { name: "Delete key…" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await status.getByText("Deleted count").waitFor();
    assert.deepEqual(await (await request(server, "/counter")).json(), { count: 1 });

    await page.getByRole("button", { name: "Clear all…" }).click();
    assert.match(await page.getByRole("dialog").innerText(), /whole shared state of instance 1/);
    await page.getByRole("dialog").getByRole("button", { name: "Clear" }).click();
    await status.getByText("Cleared the shared state").waitFor();
    await page.waitForFunction(() => document.querySelector(".stats-shared")?.textContent === "{}");
    assert.deepEqual(await (await request(server, "/counter")).json(), { count: 1 });
    assertClean(seen);
    await page.close();
  });
});
