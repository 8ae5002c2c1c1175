/** Entry: parse the command line and hand off. Run by bin/hoody-exec.mjs under Bun or Deno. */
import { isServe } from "./bin/command.mjs";
import { loadManagement } from "./management/load.ts";
import { getAdapter } from "./runtime/adapter/index.ts";
import { startHost } from "./runtime/host/host-process.ts";
import { createLogger } from "./runtime/log.ts";
import { readServeCommand, USAGE } from "./runtime/server/flags.mjs";

async function main(argv: string[]): Promise<number> {
  // The CLI (commander, every endpoint's schema) is loaded only for CLI commands: serving starts faster.
  if (!isServe(argv)) return await (await import("./management/cli/program.ts")).runCli(argv);
  const { command, config } = readServeCommand(argv, process.env);
  if (command === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command !== "serve" && command !== "dev") {
    process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  // The first worker-mode host boots its runtime (~45 ms on Deno) while this process loads the
  // server's modules (~40 ms), not after: it waits for its setup on stdin, which the pool writes.
  const firstHost = startHost(await getAdapter(), "worker", true);
  const { serve, STOP_DRAIN_MS } = await import("./runtime/serve.ts");
  const log = createLogger(config.quiet === true);
  const hooks = command === "dev"
    ? (await import("./management/cli/dev.ts")).requestLog(createLogger())
    : undefined;
  const running = await serve(config, { management: loadManagement, hooks, log, firstHost })
    .catch((error: unknown) => {
      firstHost.kill();
      throw error;
    });
  // A stop signal lets running script requests finish, then ends the process whatever stop()
  // does: a hang or a failure in it must not keep the server alive until the supervisor's SIGKILL.
  let stopping = false;
  const stop = () => {
    // A second signal while running requests drain: stop now.
    if (stopping) process.exit(0);
    stopping = true;
    const bound = new Promise((resolve) => setTimeout(resolve, STOP_DRAIN_MS + 5000));
    void Promise.race([running.stop(STOP_DRAIN_MS), bound]).catch(() => {}).finally(() =>
      process.exit(0)
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    // A finished command ends by itself once stdout has taken all it was given: a pipe takes
    // ~64 KiB at a time, and `process.exit` right after a large write (`openapi get -o json | jq`)
    // cut the output short on Bun. Nothing of a finished command keeps the process alive.
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    createLogger().error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
