import { createRequire } from "node:module";
import type TS from "typescript";

/**
 * The TypeScript parser, set by `loadTypeScript()`. A live binding: the scan and normalise helpers
 * read it after their entry point has loaded it.
 */
export let ts: typeof TS;

// Loaded on first use, through `require`: importing the compiler stays cheap for the server thread
// (it needs only the constants), and typescript loads faster as CommonJS.
export function loadTypeScript(): typeof TS {
  ts ??= createRequire(import.meta.url)("typescript") as typeof TS;
  return ts;
}
