/**
 * The dashboard's request panel in headless Chromium on a real server: opened from the route
 * table's Call button with the route's parameter filled in, a POST whose JSON body comes back, a
 * stream shown chunk by chunk before it ends, a throwing script's 500, a WebSocket echo, the
 * history, and an instance this page's host cannot reach, which gets a link instead of a call.
 * Without Debian's `chromium` it skips.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { DASHBOARD_PATH } from "../../runtime/server/management-path.ts";
import { chromiumMissing, launchBrowser, screenshot, watchPage } from "../lib/browser.ts";
import { managementCall, request, suiteServer } from "../lib/server.ts";

const FLAG = "stream-flag";

const files = (root: string): Record<string, string> => ({
  "1/api/users/[id].ts": "return { id: metadata.parameters.id, kind: 'user' };\n",
  "1/echo-body.ts": "return { method: req.method, got: req.body };\n",
  // "first", then (a bounded poll) the flag file the test writes once it has seen "first".
  "1/stream.ts": `const fs = await import("node:fs");
res.setHeader("content-type", "text/plain");
res.write("first chunk\\n");
for (let i = 0; i < 1200 && !fs.existsSync(${
    JSON.stringify(join(root, FLAG))
  }); i++) await new Promise((r) => setTimeout(r, 25));
res.end("last chunk\\n");
`,
  "1/bytes.ts":
    "res.setHeader('content-type', 'image/png');\nreturn new Uint8Array([0x89, 0x50, 0x4e, 0x47]);\n",
  "1/boom.ts": "throw new Error('kaboom from boom.ts');\n",
  "1/ws-echo.ts":
    "// @mode worker\n// @websocket true\nws.message = (conn, text) => conn.send(`echo: ${text}`);\nreturn 'connect with a WebSocket';\n",
  "2/other.ts": "return 'other instance';\n",
});

describe("the request panel in headless Chromium", { skip: chromiumMissing ?? false }, () => {
  const server = suiteServer(files);
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => await browser?.close());

  const body = (page: Page) => page.getByLabel("Response body", { exact: true });
  const code = (page: Page) => page.getByLabel("Response status", { exact: true });
  const send = async (page: Page, method: string, path: string) => {
    await page.getByLabel("Method", { exact: true }).selectOption(method);
    await page.getByLabel("Path", { exact: true }).fill(path);
    await page.getByRole("button", { name: "Send", exact: true }).click();
  };

  test("calls scripts: parameters, JSON, streams, errors, WebSockets, history", {
    timeout: 120_000,
  }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const seen = watchPage(page, server.url);
    await page.goto(server.url + DASHBOARD_PATH);

    // From the route table: the route's parameter becomes an input, filled into the path.
    await page.getByRole("button", { name: "Call /api/users/:id" }).click({ timeout: 30_000 });
    await page.getByLabel("id", { exact: true }).fill("42");
    assert.equal(await page.getByLabel("Path", { exact: true }).inputValue(), "/api/users/42");
    await page.getByRole("button", { name: "Send", exact: true }).click();
    await code(page).getByText("200").waitFor();
    const expected = await (await request(server, "/api/users/42")).json();
    assert.deepEqual(expected, { id: "42", kind: "user" });
    await page.getByText("Done:").waitFor();
    assert.equal(await body(page).innerText(), JSON.stringify(expected, null, 2));
    assert.match(
      await page.getByLabel("Timing", { exact: true }).innerText(),
      /headers in \d+ ms · total \d+ ms/,
    );

    // A POST with a JSON body (content-type preset), sent with Ctrl+Enter, comes back.
    await page.getByLabel("Method", { exact: true }).selectOption("POST");
    await page.getByLabel("Path", { exact: true }).fill("/echo-body");
    assert.equal(
      await page.getByLabel("Header value 1", { exact: true }).inputValue(),
      "application/json",
    );
    await page.getByLabel("Body", { exact: true }).fill('{"name":"ann","n":[1,2]}');
    await page.getByLabel("Body", { exact: true }).press("Control+Enter");
    await page.getByText("Done:").waitFor();
    assert.equal(
      await body(page).innerText(),
      JSON.stringify({ method: "POST", got: { name: "ann", n: [1, 2] } }, null, 2),
    );

    // A stream: Stop ends it after its first chunk.
    await send(page, "GET", "/stream");
    await body(page).getByText("first chunk").waitFor();
    await page.getByRole("button", { name: "Stop" }).click();
    await page.getByText("Stopped", { exact: true }).waitFor();
    assert.match(await page.getByLabel("Timing", { exact: true }).innerText(), /stopped after/);

    // Its first chunk shows while the script still waits to send the last.
    await send(page, "GET", "/stream");
    await body(page).getByText("first chunk").waitFor();
    assert.doesNotMatch(await body(page).innerText(), /last chunk/);
    assert.equal(await page.getByRole("button", { name: "Stop" }).isEnabled(), true);
    writeFileSync(join(server.dir.root, FLAG), "go");
    await body(page).getByText("last chunk").waitFor();
    await page.getByText("Done:").waitFor();
    assert.equal(await page.getByRole("button", { name: "Stop" }).isEnabled(), false);

    // A throwing script: its 500 and the error body.
    await send(page, "GET", "/boom");
    await code(page).getByText("500").waitFor();
    await page.getByText("Done:").waitFor();
    const error = JSON.parse(await body(page).innerText());
    assert.equal(error.code, "SCRIPT_ERROR");
    assert.equal(error.error, "kaboom from boom.ts");

    // The management API is not a script: refused in the panel, the typed path kept.
    await send(page, "GET", "/api/v1/exec/list");
    await page.getByText("Scripts are never served under /api/v1/exec").waitFor();
    assert.equal(await page.getByLabel("Path", { exact: true }).inputValue(), "/api/v1/exec/list");

    // A binary body: its size and type, not its bytes.
    await send(page, "GET", "/bytes");
    await page.getByText("Done:").waitFor();
    assert.equal(await body(page).innerText(), "4 B of image/png (binary: not shown)");

    // A @websocket script: the console appears; connect, send, see the echo, close.
    await page.getByLabel("Path", { exact: true }).fill("/ws-echo");
    await page.getByRole("button", { name: "Connect" }).click({ timeout: 30_000 });
    await page.getByLabel("Message", { exact: true }).fill("hello socket");
    await page.getByRole("button", { name: "Send message" }).click();
    const log = page.getByLabel("WebSocket messages", { exact: true });
    await log.getByText("echo: hello socket").waitFor();
    assert.match(await log.innerText(), /→\s*hello socket/);
    await screenshot(page, "dashboard-request");
    await page.getByRole("button", { name: "Close", exact: true }).click();
    await log.getByText("closed 1000").waitFor();

    // The history runs an earlier request again.
    const first = page.getByRole("button", { name: "Run again: GET /api/users/42" });
    await first.click();
    await page.getByText("Done:").waitFor();
    assert.equal(await page.getByLabel("Path", { exact: true }).inputValue(), "/api/users/42");
    assert.equal(await body(page).innerText(), JSON.stringify(expected, null, 2));
    assert.equal(
      await page.evaluate(() => sessionStorage.getItem("hoody-exec.request-history")?.length ?? 0) >
        0,
      true,
    );

    assert.deepEqual(seen.complaints, []);
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(seen.foreign, []);
    await page.close();
  });

  test("another instance gets a link to the dashboard on its host, not a call", {
    timeout: 90_000,
  }, async () => {
    const page = await browser.newPage();
    const seen = watchPage(page, server.url);
    await page.goto(`${server.url}${DASHBOARD_PATH}#request`);
    await page.getByLabel("Instance", { exact: true }).selectOption("2", { timeout: 30_000 });
    const link = `http://exec-2.localhost:${server.port}${DASHBOARD_PATH}#request`;
    await page.getByRole("link", { name: link }).waitFor();
    assert.equal(await page.getByRole("button", { name: "Send", exact: true }).isDisabled(), true);
    await screenshot(page, "dashboard-request-other-instance");
    await page.getByLabel("Path", { exact: true }).fill("/other");
    await page.getByLabel("Path", { exact: true }).press("Control+Enter");
    assert.equal(await body(page).innerText(), "");
    const scripts = await managementCall(server, "GET", "/monitor/scripts");
    const calls = (scripts.body as { scripts: { scriptPath: string }[] }).scripts;
    assert.equal(calls.some((s) => s.scriptPath === "other.ts"), false);
    assert.deepEqual(seen.complaints, []);
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(seen.foreign, []);

    // The link's host reaches instance 2: there the panel calls it.
    await page.getByRole("link", { name: link }).click();
    await page.getByLabel("Instance", { exact: true }).selectOption("2", { timeout: 30_000 });
    await page.getByRole("tab", { name: "Request" }).click();
    await send(page, "GET", "/other");
    await page.getByText("Done:").waitFor();
    assert.equal(await body(page).innerText(), "other instance");
    await page.close();
  });
});
