/**
 * The web dashboard (docs/dashboard.md) at `/api/v1/exec/ui/`: one HTML page, its script bundled
 * from ./app/ by our own esbuild on first request (cached on disk by content), and a stylesheet.
 * These three files hold no data and are served without the admin token, so that the page can ask
 * for it; everything the page shows comes from the management API, behind the admin guard.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import { API_PREFIX, DASHBOARD_PATH } from "../../runtime/server/management-path.ts";
import type { ManagementContext } from "../context.ts";
import type { ManagementEnv } from "../env.ts";

const APP = fileURLToPath(new URL("./app/", import.meta.url));
const BUNDLER = fileURLToPath(new URL("../../runtime/compile/bundle.ts", import.meta.url));

/** Whether a request path is one of the dashboard's own files (served without the token). */
export function isDashboardFile(path: string): boolean {
  return path === API_PREFIX + "/ui" || path.startsWith(DASHBOARD_PATH);
}

/**
 * Scripts only from our origin, no inline script, connections only to our origin (`'self'` covers
 * the same host's `ws:`), and never framed. Styles may be inline: the editor injects its own.
 */
export const DASHBOARD_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const HEADERS = {
  "content-security-policy": DASHBOARD_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};

/** Every source file of the front end, with its name: the bundle's cache key. */
async function sourcesKey(): Promise<string> {
  const names = (await readdir(APP, { recursive: true })).filter((n) => /\.(ts|css|html)$/.test(n));
  const files = await Promise.all(
    names.sort().map(async (name) => `${name}\n${await readFile(join(APP, name), "utf8")}`),
  );
  return [...files, await readFile(BUNDLER, "utf8")].join("\0");
}

export function createDashboardPages(context: ManagementContext): Hono<ManagementEnv> {
  let script: Promise<string> | null = null;
  const bundled = () => {
    script ??= sourcesKey()
      .then((key) => context.compiler.bundle(join(APP, "main.ts"), key))
      .then((url) => readFile(fileURLToPath(url), "utf8"))
      .catch((error) => {
        script = null; // Try again on the next request.
        throw error;
      });
    return script;
  };
  const file = (name: string, type: string) => async () =>
    new Response(await readFile(join(APP, name)), {
      headers: { ...HEADERS, "content-type": type },
    });

  const app = new Hono<ManagementEnv>();
  app.get("/ui", (c) => c.redirect(DASHBOARD_PATH, 308));
  app.get("/ui/", file("index.html", "text/html; charset=utf-8"));
  app.get("/ui/app.css", file("app.css", "text/css; charset=utf-8"));
  app.get("/ui/app.js", async () =>
    new Response(await bundled(), {
      headers: { ...HEADERS, "content-type": "text/javascript; charset=utf-8" },
    }));
  return app;
}
