/** The error-code list users read (docs/management.md, Error codes) is the table the server uses. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { STATUS } from "../../runtime/errors.ts";

test("docs/management.md lists every error code with its status, and no other", () => {
  const page = readFileSync(new URL("../../docs/management.md", import.meta.url), "utf8");
  const section = page.slice(page.indexOf("## Error codes"));
  const documented: Record<string, number> = {};
  for (const [, code, status] of section.matchAll(/^\| `([A-Z_]+)` +\| +(\d{3}) \|/gm)) {
    documented[code!] = Number(status);
  }
  assert.deepEqual(documented, { ...STATUS });
});
