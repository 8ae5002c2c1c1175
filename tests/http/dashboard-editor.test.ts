/**
 * The dashboard's Editor panel on a real server in headless Chromium: a script created from a
 * template, edited and saved (the server answers the new text), a type error shown inline by Check
 * and refused on save (the old version keeps serving), an edit rolled back from the history, a
 * stale save refused with a reload hint and the typed text kept, rename and delete with confirm.
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
import { answer, eventually, request, suiteServer } from "../lib/server.ts";

const FILES = {
  "1/hello.ts": "// @mode worker\n// @timeout 5000\nreturn 'hi';\n",
  "1/api/users/[id].ts": "return { id: req.params.id };\n",
  "2/other.ts": "return 'other instance';\n",
};

function editorText(page: Page): Promise<string> {
  return page.locator("#panel-editor .cm-content").innerText();
}

function button(page: Page, name: string) {
  return page.locator("#panel-editor").getByRole("button", { name, exact: true });
}

describe("the editor panel in headless Chromium", { skip: chromiumMissing ?? false }, () => {
  const server = suiteServer(FILES);
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => await browser?.close());

  test(
    "create from a template, save, a type error inline and refused, roll back",
    { timeout: 120_000 },
    async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const seen = watchPage(page, server.url);
      await page.goto(server.url + DASHBOARD_PATH);

      // The route table's Edit button opens the file here.
      await page.getByRole("button", { name: "Edit hello.ts" }).click({ timeout: 30_000 });
      await page.getByText("Opened hello.ts").waitFor({ timeout: 30_000 });
      assert.match(await editorText(page), /return 'hi';/);
      assert.equal(await page.locator("#panel-editor .cm-magic-name").count(), 2);

      // New file from the basic template, with one of its params.
      await page.getByRole("button", { name: "New file" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Template").selectOption("basic");
      await dialog.getByLabel("Path").fill("greet.ts");
      await dialog.getByLabel("message").fill("Hello there");
      await confirmDialog(page, "Create");
      await page.getByText("Opened greet.ts").waitFor();
      assert.match(await answer(server, "/greet"), /^200 .*"message":"Hello there"/);
      assert.match(await editorText(page), /message: "Hello there"/);

      // A path that is taken: the dialog says so and keeps what was typed.
      await page.getByRole("button", { name: "New file" }).click();
      await dialog.getByLabel("Path").fill("greet.ts");
      await dialog.getByRole("button", { name: "Create" }).click();
      await dialog.getByText(/CONFLICT: greet\.ts exists/).waitFor();
      assert.equal(await dialog.getByLabel("Path").inputValue(), "greet.ts");
      await dialog.getByRole("button", { name: "Cancel" }).click();
      await dialog.waitFor({ state: "detached" });

      // Edit and save: the server answers the new text.
      await page.getByLabel("Script source").fill("return 'edited once';\n");
      await button(page, "Save").click();
      await page.getByText("Saved greet.ts").waitFor();
      assert.equal(await answer(server, "/greet"), "200 edited once");

      // A type error: Check shows it inline and in the list, before any save.
      const broken = "const count: number = 'three';\nreturn 'typed ' + count;\n";
      await page.getByLabel("Script source").fill(broken);
      await button(page, "Check").click();
      await page.locator(".editor-problems li", { hasText: "TS2322" }).waitFor();
      assert.match(
        await page.locator(".editor-problems li").first().innerText(),
        /1:7.*Type 'string' is not assignable to type 'number'/s,
      );
      await page.locator("#panel-editor .cm-lintRange-error").first().waitFor();
      await screenshot(page, "dashboard-editor");

      // Ctrl+S: refused by the type check, the text kept, the old version still serving.
      await page.getByLabel("Script source").press("Control+s");
      await page.getByText(/Not saved: VALIDATION_ERROR: Type check failed/).waitFor();
      assert.match(await editorText(page), /const count: number = 'three';/);
      assert.equal(await answer(server, "/greet"), "200 edited once");

      // Roll the edit back from the history: the template's text serves again.
      await page.getByRole("button", { name: "Roll back to version 1" }).click();
      await confirmDialog(page, "Roll back");
      assert.equal(
        await settledStatus(page.locator(".editor-history .status"), /Rolled back/),
        "Rolled back to version 1",
      );
      assert.match(await answer(server, "/greet"), /^200 .*"message":"Hello there"/);
      await page.getByText("Opened greet.ts").waitFor();
      assert.match(await editorText(page), /message: "Hello there"/);

      // Show an old version: the edit, now version 2 (what the rollback replaced).
      await page.getByRole("button", { name: "Show version 2" }).click();
      assert.match(await page.locator(".editor-preview pre").innerText(), /edited once/);

      assert.deepEqual(seen.complaints, []);
      assert.deepEqual(seen.errors, []);
      assert.deepEqual(seen.foreign, []);
      await page.close();
    },
  );

  test(
    "a stale save is refused with a reload hint; rename and delete ask first",
    { timeout: 120_000 },
    async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const seen = watchPage(page, server.url);
      await page.goto(server.url + DASHBOARD_PATH + "#editor");
      await page.getByLabel("Find file").fill("hello");
      await page.getByRole("button", { name: "hello.ts", exact: true }).click({ timeout: 30_000 });
      await page.getByText("Opened hello.ts").waitFor({ timeout: 30_000 });
      assert.equal(await page.locator("button.editor-file").count(), 1);

      // While typing, the server's checks run by themselves: a bad magic comment shows on its line.
      await page.getByLabel("Script source").fill("// @mode wrker\nreturn 'bad header';\n");
      await page.locator(".editor-problems li", { hasText: '@mode must be "worker"' }).waitFor();
      assert.match(await page.locator(".editor-problems li").first().innerText(), /^1:4/);
      await page.getByLabel("Script source").press("Control+s");
      await page.getByText(/Not saved: VALIDATION_ERROR: .*@mode.*step validate/).waitFor();
      await page.locator("#panel-editor .cm-lintRange-error").first().waitFor();
      assert.equal(await answer(server, "/hello"), "200 hi");

      // Another writer changes the file on disk after the editor read it.
      server.dir.write("1/hello.ts", "return 'from disk';\n");
      assert.ok(await eventually(async () => await answer(server, "/hello") === "200 from disk"));
      await page.getByLabel("Script source").fill("return 'mine';\n");
      await button(page, "Save").click();
      await page.getByText(/PRECONDITION_FAILED.*Reload/).waitFor();
      assert.match(await editorText(page), /return 'mine';/);
      assert.equal(await answer(server, "/hello"), "200 from disk");

      // Reload asks before dropping the typed text, then shows the file as it is now.
      await button(page, "Reload").click();
      await confirmDialog(page, "Discard changes");
      await page.getByText("Opened hello.ts").waitFor();
      assert.match(await editorText(page), /from disk/);

      // Rename, through a dialog.
      await button(page, "Rename").click();
      await page.getByRole("dialog").getByLabel("New path").fill("renamed.ts");
      await confirmDialog(page, "Rename");
      await page.getByText("Renamed to renamed.ts").waitFor();
      assert.equal(await answer(server, "/renamed"), "200 from disk");
      assert.equal((await request(server, "/hello")).status, 404);

      // Delete: Cancel keeps it, Delete removes it.
      await button(page, "Delete").click();
      await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
      assert.equal((await request(server, "/renamed")).status, 200);
      await button(page, "Delete").click();
      await confirmDialog(page, "Delete");
      await page.getByText("Deleted renamed.ts").waitFor();
      assert.equal((await request(server, "/renamed")).status, 404);
      await page.getByLabel("Find file").fill("");
      await page.locator('button.editor-file[data-path="api/users/[id].ts"]').waitFor();
      assert.equal(await page.locator('button.editor-file[data-path="renamed.ts"]').count(), 0);

      // The deleted file's history stays shown: rolling back its last version brings it back.
      await page.getByText("renamed.ts is deleted").waitFor();
      await page.getByRole("button", { name: "Roll back to version 1" }).click();
      await confirmDialog(page, "Roll back");
      await page.getByText("Opened renamed.ts").waitFor();
      assert.equal(await answer(server, "/renamed"), "200 from disk");

      // Another instance: its own files; the open file, unchanged, is closed.
      await page.getByLabel("Instance").selectOption("2");
      await page.locator('button.editor-file[data-path="other.ts"]').waitFor();
      assert.equal(await page.locator("button.editor-file").count(), 1);
      assert.equal(await page.locator("#editor-path").innerText(), "No file open");

      assert.deepEqual(seen.complaints, []);
      assert.deepEqual(seen.errors, []);
      assert.deepEqual(seen.foreign, []);
      await page.close();
    },
  );
});
