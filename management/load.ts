/**
 * The management API's loader, handed to `serve()` by main.ts (and the tests). The app's imports
 * (hono, zod schemas, every endpoint) take ~70 ms, so they load on first use, not at start.
 */
import type { ManagementLoader } from "../runtime/control.ts";

export const loadManagement: ManagementLoader = async (control) =>
  (await import("./app.ts")).createManagementApp(control);
