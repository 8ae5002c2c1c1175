/**
 * Where the runtime lets a Worker read only some variables (Deno's serverless Workers), listing
 * `process.env` throws there. The script gets a plain `process.env` of those names instead, so
 * `Object.keys(process.env)` and `{ ...process.env }` work as on a runtime without the limit, and
 * any other name reads as unset.
 */
export function limitEnv(proc: typeof process, names: readonly string[]): void {
  const visible: Record<string, string> = {};
  for (const name of names) {
    const value = proc.env[name];
    if (value !== undefined) visible[name] = value;
  }
  setEnv(proc, visible);
}

/**
 * The script's `.env` variables over the Worker's own (docs/scripts.md, Environment), in a
 * `process.env` of this Worker alone: other Workers of the host keep theirs.
 */
export function addEnv(proc: typeof process, vars: Readonly<Record<string, string>>): void {
  setEnv(proc, { ...proc.env, ...vars });
}

/** `process.env` as a plain object of this Worker's, writable as the runtime's own is. */
function setEnv(proc: typeof process, env: Record<string, string | undefined>): void {
  Object.defineProperty(proc, "env", {
    value: env,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}
