import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../bin/hoody-exec.mjs", import.meta.url));

/** The runtime these tests run on: the CLI is started on the same one. */
export const RUNTIME: "bun" | "deno" = "Bun" in globalThis ? "bun" : "deno";

/** Whether a process with this pid is still running (signal 0 only checks). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The child processes of process `pid` ("self" for this one), from every one of its threads (a
 * runtime may spawn from any). A thread that ends between the listing and the read has none.
 */
export function childrenOf(pid: number | "self"): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((task) => {
    try {
      return readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ")
        .filter(Boolean).map(Number);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  });
}

/** Resolves to `promise`'s value, or to "timeout" after `ms` (a bound, not a timing assertion). */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A running `hoody-exec` command. Disposing it ends it if it still runs: SIGTERM (a supervised
 * server stops its server and Worker hosts), then SIGKILL if it has not exited after ten seconds.
 */
export interface Cli extends AsyncDisposable {
  readonly child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** "exit", not "close": a server's Worker hosts share its stderr and could hold "close" back. */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  /** Resolves when the command exits, with its code and all its output. */
  finished(): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** The address `serve` prints once it listens; rejects if the command exits first. */
  address(): Promise<string>;
}

/**
 * Runs `hoody-exec ...args --runtime <this runtime>` as a user would, without blocking this process
 * (a server under test may live here). `env` is added to a copy of this process's environment,
 * where an `undefined` value removes a variable. `runtime` picks the other one (cross-runtime tests).
 */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  runtime: "bun" | "deno" = RUNTIME,
): Cli {
  const merged: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", ...env };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  const child = spawn("node", [BIN, ...args, "--runtime", runtime], {
    stdio: ["ignore", "pipe", "pipe"],
    env: merged,
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal }))
  );
  const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    finished: async () => ({ code: await closed, stdout, stderr }),
    address: () =>
      new Promise((resolve, reject) => {
        const look = () => {
          const url = /at (http:\/\/\S+)/.exec(stderr)?.[1];
          if (url) resolve(url);
        };
        look();
        child.stderr!.on("data", look);
        void exited.then(({ code }) =>
          reject(new Error(`hoody-exec exited with ${code} before listening: ${stderr}`))
        );
      }),
    async [Symbol.asyncDispose]() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      if (await within(exited, 10_000) === "timeout") child.kill("SIGKILL");
      await exited;
    },
  };
}
