// @ts-check
// Keeps the hoody-exec server process running. Script code runs in Worker host processes the
// server can kill, but not everything can be contained: on Deno `worker.terminate()` cannot stop a
// busy Worker, no runtime caps a Worker's memory, and a worker-mode runaway or a runtime crash can
// still take the server process down (the OOM killer, a panic). So `serve` runs it under this
// small parent, which restarts it, logs why, and backs off when deaths repeat.
//
// The rule (docs/operations.md, The supervisor):
// - exit code 0 is a clean stop: the launcher exits 0;
// - death by SIGINT, SIGTERM or SIGHUP is a stop too (asked to stop before it could clean up);
// - a non-zero exit code within STARTUP_MS of the *first* start is a startup or configuration
//   error (port in use, bad flag, non-loopback --host without a token): the launcher exits with it;
// - any other exit (a non-zero code later on, or another signal: a crash, an OOM kill, `kill -9`)
//   is a death: one line on stderr, then a restart after BASE_DELAY_MS, doubling with each death
//   in a row up to MAX_DELAY_MS; a run of STABLE_MS or more resets the count; MAX_DEATHS deaths
//   in a row give up with exit code 1;
// - SIGINT, SIGTERM or SIGHUP to the launcher are passed on to the server (SIGHUP as SIGTERM); the
//   launcher waits for it and exits 0, never restarting it (a second signal, or KILL_AFTER_MS,
//   kills it).
import { spawn } from "node:child_process";

export const STARTUP_MS = 3_000;
export const BASE_DELAY_MS = 100;
export const MAX_DELAY_MS = 30_000;
export const STABLE_MS = 60_000;
export const MAX_DEATHS = 10;
const KILL_AFTER_MS = 30_000;
/** @type {readonly NodeJS.Signals[]} */
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];

/** @param {string} line */
const log = (line) => process.stderr.write(`hoody-exec supervisor: ${line}\n`);
/** @param {number} ms */
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Runs `command args` once (a CLI command), passing on stop signals, and exits with its code.
 * @param {string} command
 * @param {string[]} args
 */
export function runOnce(command, args) {
  const child = spawn(command, args, { stdio: "inherit" });
  for (const signal of STOP_SIGNALS) process.on(signal, () => child.kill(signal));
  child.on("error", (error) => {
    log(`cannot start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/**
 * Runs `command args` as the server, restarting it when it dies (the rule above).
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env the server's environment (runtimes.mjs, `serverEnv`)
 */
export function supervise(command, args, env) {
  /** @type {import("node:child_process").ChildProcess | null} */
  let child = null;
  let startedAt = 0;
  let starts = 0;
  let deathsInARow = 0;
  let stopping = false;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let restartTimer = null;

  const start = () => {
    restartTimer = null;
    starts += 1;
    startedAt = Date.now();
    const started = spawn(command, args, { stdio: "inherit", env });
    child = started;
    started.on("error", (error) => {
      // Only a failed spawn (no binary, no permission): nothing to restart.
      log(`cannot start ${command}: ${error.message}`);
      process.exit(1);
    });
    started.on("exit", onExit);
  };

  /**
   * @param {number | null} code
   * @param {NodeJS.Signals | null} signal
   */
  const onExit = (code, signal) => {
    const pid = child?.pid;
    child = null;
    const ran = Date.now() - startedAt;
    // Stopped: by the launcher, or by a stop signal sent straight to the server.
    if (stopping || code === 0 || (signal !== null && STOP_SIGNALS.includes(signal))) {
      process.exit(0);
    }
    if (code !== null && starts === 1 && ran < STARTUP_MS) process.exit(code);
    if (ran >= STABLE_MS) deathsInARow = 0;
    deathsInARow += 1;
    const why =
      `${signal ? `was killed by ${signal}` : `exited with code ${code}`} after ${seconds(ran)}` +
      (signal === "SIGKILL" ? " (kill -9 or the OOM killer)" : "");
    if (deathsInARow >= MAX_DEATHS) {
      log(
        `server (pid ${pid}) ${why}; it died ${deathsInARow} times in a row within ` +
          `${STABLE_MS / 1000} s of starting: giving up`,
      );
      process.exit(1);
    }
    const delay = Math.min(BASE_DELAY_MS * 2 ** (deathsInARow - 1), MAX_DELAY_MS);
    log(
      `server (pid ${pid}) ${why}; restarting in ${delay} ms ` +
        `(death ${deathsInARow} in a row; gives up at ${MAX_DEATHS})`,
    );
    restartTimer = setTimeout(start, delay);
  };

  /** @param {NodeJS.Signals} signal */
  const stop = (signal) => {
    if (restartTimer) {
      clearTimeout(restartTimer);
      process.exit(0);
    }
    if (!child) process.exit(0);
    if (stopping) {
      child.kill("SIGKILL");
      return;
    }
    stopping = true;
    child.kill(signal === "SIGHUP" ? "SIGTERM" : signal);
    const { pid } = child;
    setTimeout(() => {
      log(
        `server (pid ${pid}) still running ${KILL_AFTER_MS / 1000} s after ${signal}: killing it`,
      );
      child?.kill("SIGKILL");
    }, KILL_AFTER_MS).unref();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => stop(signal));
  // However the launcher ends, it does not leave the server behind.
  process.on("exit", () => child?.kill("SIGKILL"));
  start();
}
