/**
 * API reference pages (docs/openapi.md): the management API's own document at `/docs` and the
 * generated user document at `/user-openapi/docs`, rendered by Scalar. Scalar's browser bundle is
 * served from our own node_modules (the server may have no internet; no CDN is ever named), and
 * each page carries a Content-Security-Policy that lets only that bundle and the page's own
 * inline start-up script (by its hash) run.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Context } from "hono";
import { Hono } from "hono";
import { Scalar } from "@scalar/hono-api-reference";
import { API_PREFIX } from "../runtime/server/management-path.ts";
import { getInstance, type ManagementContext } from "./context.ts";
import type { ManagementEnv } from "./env.ts";
import { execId as execIdField } from "./schemas.ts";
import { validationError } from "../runtime/errors.ts";

/** Where the pages load Scalar's bundle from. */
export const SCALAR_SCRIPT_PATH = `${API_PREFIX}/docs/scalar.js`;

const SCALAR_BUNDLE = "@scalar/api-reference/browser/standalone.js";

/** The sha256 CSP source of a text, as browsers hash an inline script. */
async function cspHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return `'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`;
}

// Inline <script> elements without src: the only script the page itself holds.
const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g;

/**
 * The policy of a page whose inline scripts are `scripts`. Styles may be inline: Scalar injects
 * its styles at run time, and a style cannot run code.
 */
export async function docsPolicy(scripts: readonly string[]): Promise<string> {
  const hashes = await Promise.all(scripts.map(cspHash));
  return [
    "default-src 'none'",
    `script-src 'self' ${hashes.join(" ")}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Scalar's page for the document at `url`, with its policy. */
async function referencePage(c: Context<ManagementEnv>, url: string, title: string) {
  const render = Scalar({
    url,
    cdn: SCALAR_SCRIPT_PATH,
    pageTitle: title,
    theme: "default",
    // Scalar's defaults reach the internet (fonts, its proxy, telemetry): off, the server may have none.
    withDefaultFonts: false,
    telemetry: false,
    hideClientButton: true,
    showDeveloperTools: "never",
    agent: { disabled: true },
  });
  // Scalar's handler is typed for hono's default Env; it reads nothing of ours.
  const page = await render(c as unknown as Context, () => Promise.resolve()) as Response;
  const html = await page.text();
  const scripts = [...html.matchAll(INLINE_SCRIPT)].map((m) => m[1] ?? "");
  return c.html(html, 200, {
    "content-security-policy": await docsPolicy(scripts),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
  });
}

let bundle: Promise<Uint8Array<ArrayBuffer>> | null = null;

/** The reference pages and Scalar's bundle, below API_PREFIX (behind the admin guard). */
export function createDocsPages(context: ManagementContext): Hono<ManagementEnv> {
  const app = new Hono<ManagementEnv>();
  app.get(
    "/docs",
    (c) => referencePage(c, `${API_PREFIX}/openapi.json`, "hoody-exec management API"),
  );
  app.get("/user-openapi/docs", (c) => {
    const given = c.req.query("execId") || c.req.query("exec_id") || undefined;
    const parsed = execIdField.safeParse(given);
    if (!parsed.success) throw validationError("execId", "execId is at most 256 characters");
    const instance = getInstance(context, parsed.data);
    const query = new URLSearchParams({ format: "yaml", execId: instance.id });
    return referencePage(c, `${API_PREFIX}/user-openapi/spec?${query}`, `${instance.id}: API`);
  });
  app.get("/docs/scalar.js", async () => {
    bundle ??= readFile(fileURLToPath(import.meta.resolve(SCALAR_BUNDLE))).then((b) =>
      new Uint8Array(b)
    ).catch((error) => {
      bundle = null; // Read again next time: the package may be installed by then.
      throw error;
    });
    return new Response(await bundle, {
      headers: {
        "content-type": "text/javascript; charset=utf-8",
        "cache-control": "public, max-age=3600",
        "x-content-type-options": "nosniff",
      },
    });
  });
  return app;
}
