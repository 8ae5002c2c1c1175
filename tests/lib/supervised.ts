/**
 * `hoody-exec serve` under its supervisor (bin/supervisor.mjs), as a user starts it, on a port that
 * stays the same across restarts: for the tests that kill its server and watch it come back.
 */
import { createServer } from "node:net";
import { type ScriptsDir, tmpScripts } from "./scripts-dir.ts";
import { alive, type Cli, runCli } from "./processes.ts";

/** A clean environment, as a user's would be: no token, runtime, state, port or host set. */
export const CLEAN_ENV = {
  HOODY_EXEC_ADMIN_TOKEN: undefined,
  HOODY_EXEC_RUNTIME: undefined,
  HOODY_EXEC_STATE: undefined,
  PORT: undefined,
  HOST: undefined,
};

/** A port nothing listens on now: the supervisor's next server takes the same one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a value (not undefined; a throw counts as none), for at most `ms`. */
export async function poll<T>(
  check: () => T | undefined | Promise<T | undefined>,
  ms = 60_000,
): Promise<T | undefined> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const value = await Promise.resolve().then(check).catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

export interface Supervised extends AsyncDisposable {
  dir: ScriptsDir;
  launcher: Cli;
  /** `http://127.0.0.1:<port>`: the same for every server the supervisor starts. */
  base: string;
  /** The answering server's pid (from its health endpoint), or undefined while none answers. */
  serverPid(): Promise<number | undefined>;
}

/**
 * Starts the launcher on `files` with `args` after `serve --root --port`. Disposing ends the
 * launcher, then any server pid seen that is still alive (a failed test may leave one).
 */
export async function superviseServe(
  files: Record<string, string>,
  args: string[] = [],
): Promise<Supervised> {
  const dir = tmpScripts(files);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const launcher = runCli(
    ["serve", "--root", dir.root, "--port", String(port), ...args],
    CLEAN_ENV,
  );
  const seen = new Set<number>();
  return {
    dir,
    launcher,
    base,
    async serverPid() {
      try {
        const response = await fetch(`${base}/api/v1/exec/health`);
        const { pid } = await response.json() as { pid?: number };
        if (typeof pid !== "number") return undefined;
        seen.add(pid);
        return pid;
      } catch {
        return undefined;
      }
    },
    async [Symbol.asyncDispose]() {
      await launcher[Symbol.asyncDispose]();
      for (const pid of seen) if (alive(pid)) process.kill(pid, "SIGKILL");
      await dir[Symbol.asyncDispose]();
    },
  };
}
