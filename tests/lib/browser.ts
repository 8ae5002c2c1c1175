/**
 * Headless Chromium for the browser tests: Debian's `chromium` (installed when missing and running
 * as root) driven by playwright-core. Without it, `chromiumMissing` says why and the tests skip.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Locator, type Page } from "playwright-core";
import { eventually } from "./server.ts";

const CHROMIUM = "/usr/bin/chromium";
const has = (tool: string) => spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0;

function findChromium(): string | null {
  if (has(CHROMIUM)) return null;
  if (process.getuid?.() === 0) {
    spawnSync("apt-get", ["install", "-y", "chromium"], {
      stdio: "ignore",
      timeout: 300_000,
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (has(CHROMIUM)) return null;
  }
  return "chromium not found (Debian package `chromium`; apt-get install -y chromium)";
}

/** Why the browser tests cannot run here, or null when they can: `{ skip: chromiumMissing ?? false }`. */
export const chromiumMissing: string | null = findChromium();

export async function launchBrowser(): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** Where screenshots go: tests/artifacts/ (ignored by git), one per runtime. */
const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));

/** Saves a screenshot of the page as `tests/artifacts/<name>-<runtime>.png`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const runtime = "Bun" in globalThis ? "bun" : "deno";
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}-${runtime}.png`), fullPage: true });
}

/** Records what a page complains of: CSP refusals, uncaught errors, and requests off `origin`. */
export function watchPage(page: Page, origin: string) {
  const complaints: string[] = [];
  const errors: string[] = [];
  const foreign: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) complaints.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.protocol !== "data:" && url.protocol !== "blob:" && url.origin !== origin) {
      foreign.push(req.url());
    }
  });
  return { complaints, errors, foreign };
}

/** Clicks the open dialog's confirming button, named `action`, and waits for the dialog to close. */
export async function confirmDialog(page: Page, action: string): Promise<void> {
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: action, exact: true }).click();
  await dialog.waitFor({ state: "detached" });
}

/**
 * What a status line says once it says `done` or shows an error (or after `ms`): a test that
 * asserts on it fails with the panel's own words, not a bare timeout.
 */
export async function settledStatus(status: Locator, done: RegExp, ms = 30_000): Promise<string> {
  let text = "";
  await eventually(async () => {
    text = await status.innerText();
    return done.test(text) || await status.getAttribute("data-kind") === "error";
  }, ms);
  return text;
}
