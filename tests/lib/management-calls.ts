/**
 * Management API calls, one shape for both ways the tests reach the app: over HTTP (a running
 * server) and in-process (tests/lib/management-app.ts). A case reads the same in either file.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { API_PREFIX } from "../../runtime/server/management-path.ts";

/** Two instances, a symlink target added by the test, a token script: the management tests' root. */
export const MANAGEMENT_FILES: Record<string, string> = {
  "1/hello.ts": "// @mode serverless\nreturn { hello: 1 };\n",
  "1/api/users/[id].ts": "return { id: metadata.parameters.id };\n",
  "1/secret.ts": "// @token s3cret\n// @label Secret one\nreturn 'ok';\n",
  "2/two.ts": "return 2;\n",
};

/** Two instances beside folders no instance may be: `node_modules` and a `_`-hidden one. */
export const HIDDEN_FOLDER_FILES: Record<string, string> = {
  "1/hello.ts": "return 'one';\n",
  "2/two.ts": "return 'two';\n",
  "node_modules/evil/index.js": "return 'evil';\n",
  "node_modules/evil/package.json": '{"name":"evil","version":"1.0.0"}',
  "_private/evil.ts": "return 'evil';\n",
};

// deno-lint-ignore no-explicit-any
export type Body = Record<string, any>;

/** Whatever answers a path: `request(server, …)` bound to a server, or an in-process app's fetch. */
export type Send = (
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<Response>;

/** `API_PREFIX + path`, a JSON body when given one. */
export function callWith(
  send: Send,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return send(`${API_PREFIX}${path}`, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export async function json(response: Response): Promise<Body> {
  return await response.json() as Body;
}

/** Every file below the root (leaving out the compile cache), with its content. */
export function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, base: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === "_hoody") continue;
      const path = base ? `${base}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(dir, e.name), path);
      else if (e.isSymbolicLink()) out[path] = "<symlink>";
      else out[path] = readFileSync(join(dir, e.name), "utf8");
    }
  };
  walk(root, "");
  return out;
}
