/**
 * Issue 17's "done when", in headless Chromium on a real server: a new user, without the CLI,
 * writes a script from a template, edits it, sees a type error before saving (the old version
 * still serving), calls it from the request panel, watches its log line arrive and its latency in
 * the stats, and rolls back a bad edit. Each panel's screenshot is kept in tests/artifacts/.
 * Without Debian's `chromium` it skips.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { DASHBOARD_PATH } from "../../runtime/server/management-path.ts";
import {
  chromiumMissing,
  confirmDialog,
  launchBrowser,
  screenshot,
  settledStatus,
  watchPage,
} from "../lib/browser.ts";
import { answer, suiteServer } from "../lib/server.ts";

const GREET = 'console.log("greeting", req.query.name ?? "you");\n' +
  'return "hello " + (req.query.name ?? "you");\n';

const tab = (page: Page, name: string) => page.getByRole("tab", { name, exact: true }).click();
const editorButton = (page: Page, name: string) =>
  page.locator("#panel-editor").getByRole("button", { name, exact: true });

describe("a new user's first session in the dashboard", { skip: chromiumMissing ?? false }, () => {
  const server = suiteServer({ "1/hello.ts": "return { hello: 'world' };\n" });
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => await browser?.close());

  test(
    "write, call, watch logs and latency, roll back a bad edit",
    { timeout: 180_000 },
    async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const seen = watchPage(page, server.url);
      await page.goto(server.url + DASHBOARD_PATH);
      await page.locator('tr[data-file="hello.ts"]').waitFor({ timeout: 30_000 });
      await screenshot(page, "journey-routes");

      // Write a script from a template, then make it say hello and log a line.
      await tab(page, "Editor");
      await page.getByRole("button", { name: "New file" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Template").selectOption("basic");
      await dialog.getByLabel("Path").fill("greet.ts");
      await confirmDialog(page, "Create");
      await page.getByText("Opened greet.ts").waitFor({ timeout: 30_000 });
      await page.getByLabel("Script source").fill(GREET);
      await editorButton(page, "Save").click();
      await page.getByText("Saved greet.ts").waitFor();
      assert.equal(await answer(server, "/greet?name=ann"), "200 hello ann");

      // A type error shows before saving, and a save is refused: the saved version keeps serving.
      await page.getByLabel("Script source").fill("const n: number = 'one';\nreturn n;\n");
      await editorButton(page, "Check").click();
      await page.locator(".editor-problems li", { hasText: "TS2322" }).waitFor();
      await screenshot(page, "journey-editor");
      await editorButton(page, "Save").click();
      await page.getByText(/Not saved: VALIDATION_ERROR/).waitFor();
      assert.equal(await answer(server, "/greet"), "200 hello you");
      await page.getByLabel("Script source").fill(GREET);

      // Call it from the request panel.
      await tab(page, "Request");
      await page.getByLabel("Method", { exact: true }).selectOption("GET");
      await page.getByLabel("Path", { exact: true }).fill("/greet");
      await page.getByRole("button", { name: "Send", exact: true }).click();
      await page.getByLabel("Response status", { exact: true }).getByText("200").waitFor();
      await page.getByLabel("Response body", { exact: true }).getByText("hello you").waitFor();
      await screenshot(page, "journey-request");

      // Its log line arrives live; its execution id shows exactly that request's lines.
      await tab(page, "Logs");
      await page.locator("#panel-logs > .status").getByText(/Following/).waitFor();
      assert.equal(await answer(server, "/greet?name=bob"), "200 hello bob");
      const row = page.locator("#panel-logs .log-scroll tr", { hasText: "greeting bob" });
      await row.waitFor();
      const id = await row.getAttribute("data-execution-id");
      assert.ok(id);
      await row.getByRole("button", { name: `Lines of request ${id}` }).click();
      const lines = page.getByRole("table", { name: `Lines of request ${id}` });
      await lines.locator("tbody tr").first().waitFor();
      assert.deepEqual(
        (await lines.locator("tbody tr").allInnerTexts()).map((text) => /greeting bob/.test(text)),
        [true],
      );
      await screenshot(page, "journey-logs");

      // Its latency in the stats.
      await tab(page, "Stats");
      const stats = page.locator('#panel-stats tr[data-script="greet.ts"]');
      await stats.waitFor({ timeout: 30_000 });
      assert.match(await stats.innerText(), /\d+(\.\d+)?\s*ms/);
      await screenshot(page, "journey-stats");

      // A bad edit goes out; one rollback from the history undoes it.
      await tab(page, "Editor");
      await page.getByLabel("Script source").fill("return 'oops';\n");
      await editorButton(page, "Save").click();
      await page.getByText("Saved greet.ts").waitFor();
      assert.equal(await answer(server, "/greet"), "200 oops");
      await page.getByRole("button", { name: /^Roll back to version \d+$/ }).first().click();
      await confirmDialog(page, "Roll back");
      assert.match(
        await settledStatus(page.locator(".editor-history .status"), /Rolled back/),
        /^Rolled back to version \d+$/,
      );
      assert.equal(await answer(server, "/greet"), "200 hello you");

      assert.deepEqual(seen.complaints, []);
      assert.deepEqual(seen.errors, []);
      assert.deepEqual(seen.foreign, []);
      await page.close();
    },
  );
});
