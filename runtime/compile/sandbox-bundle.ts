import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sourcesKey } from "../fs.ts";
import type { Compiler } from "./compiler.ts";

const SANDBOX = fileURLToPath(new URL("../sandbox/", import.meta.url));
const PROTOCOL = fileURLToPath(new URL("../protocol/", import.meta.url));
const BUNDLER = fileURLToPath(new URL("./bundle.ts", import.meta.url));
/** The one file outside those folders the sandbox loads (a Worker with its own socket). */
const UNIX_SOCKET = fileURLToPath(new URL("../adapter/unix-socket.ts", import.meta.url));

/**
 * The Worker entry as one precompiled module, and its parts loaded only when a script needs them
 * (WebSockets, shared state, the AI helpers, `require`): a new Worker then loads one file instead
 * of transpiling the sandbox's modules again (the cost of a serverless request is mostly this
 * boot). Keyed by the content of every file the sandbox is made of, and of the bundler, so an edit
 * to either rebuilds it.
 */
export async function sandboxBundle(compiler: Compiler): Promise<string> {
  const key = sourcesKey([SANDBOX, PROTOCOL], [BUNDLER, UNIX_SOCKET]);
  return await compiler.bundle(join(SANDBOX, "worker-entry.ts"), key);
}
