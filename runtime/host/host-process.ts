/**
 * Starting a host process (host-main.ts). Light on purpose: main.ts starts the first worker-mode
 * host with it before the server's own modules load, and hosts.ts every other one.
 */
import type { Adapter, ChildHandle } from "../adapter/types.ts";
import type { Mode } from "../protocol/messages.ts";

const HOST_ENTRY = new URL("./host-main.ts", import.meta.url).pathname;
/** All a host gets of the server's environment: nothing of it reaches a script. */
const ENV_PASSED = ["PATH", "HOME", "LANG", "TMPDIR", "DENO_DIR", "XDG_CACHE_HOME", "NO_COLOR"];

/**
 * A new host process. It boots its runtime and then waits for its setup on stdin (`setup`), which
 * the server writes once it knows it (socket, token, Worker module): so it may start before that.
 */
export function startHost(adapter: Adapter, mode: Mode, jit: boolean): ChildHandle {
  const env: Record<string, string> = {};
  for (const name of ENV_PASSED) if (process.env[name]) env[name] = process.env[name]!;
  return adapter.spawnHost(HOST_ENTRY, mode, env, jit);
}
