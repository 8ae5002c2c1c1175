/** Entry: parse the command line and hand off. Run by bin/hoody-exec.mjs under Bun or Deno. */
import { parseArgs } from "node:util";
import { isServe } from "./bin/command.mjs";
import { createLogger } from "./runtime/log.ts";
import { serve } from "./runtime/serve.ts";

const USAGE = `hoody-exec — every file under a scripts folder is an HTTP endpoint

Usage:
  hoody-exec serve [--root DIR] [--port N] [--host ADDR] [--runtime bun|deno]
  hoody-exec dev   [same options]      serve, with a line per request in the log
  hoody-exec <group> <verb> [options]  drive a running server (hoody-exec --help lists them)

Options:
  --root DIR               scripts root, one folder per instance (env HOODY_EXEC_ROOT, default ./scripts)
  --port N                 port (env PORT, default 8080)
  --host ADDR              address to bind (env HOST, default 127.0.0.1)
  --runtime bun|deno       runtime to run on (env HOODY_EXEC_RUNTIME, default bun)
  --default-instance ID    instance when the Host header names none (default 1)
  --hosts N                Worker host processes per mode (default: one per core)
  --stock N                ready Workers per host for serverless requests (default 1)
  --memory-mb N            resident memory per Worker host, killed and replaced above it (default 4096)
  --max-workers N          worker-mode Workers alive at once; the one idle longest makes room (default 256)
  --max-body-bytes N       largest request body (default 10485760)
  --queue-limit N          requests waiting per @concurrent script (default 100)
  --admin-token TOKEN      management API token (env HOODY_EXEC_ADMIN_TOKEN)
  --trust-proxy            take the client IP from X-Forwarded-For
  --debug                  stack traces in error responses
  --quiet                  no info lines in the log
`;

async function main(argv: string[]): Promise<number> {
  // The CLI (commander, every endpoint's schema) is loaded only for CLI commands: serving starts faster.
  if (!isServe(argv)) return await (await import("./management/cli/program.ts")).runCli(argv);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      root: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      runtime: { type: "string" },
      "default-instance": { type: "string" },
      hosts: { type: "string" },
      stock: { type: "string" },
      "memory-mb": { type: "string" },
      "max-workers": { type: "string" },
      "max-body-bytes": { type: "string" },
      "queue-limit": { type: "string" },
      "admin-token": { type: "string" },
      "trust-proxy": { type: "boolean" },
      debug: { type: "boolean" },
      quiet: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command = "serve"] = positionals;
  if (values.help || command === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === "dev") {
    await (await import("./management/cli/dev.ts")).addRequestLog(createLogger());
  } else if (command !== "serve") {
    process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  const env = process.env;
  const number = (flag: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n)) throw new Error(`--${flag} must be an integer (got "${value}")`);
    return n;
  };
  const running = await serve({
    root: values.root ?? env.HOODY_EXEC_ROOT,
    port: number("port", values.port ?? env.PORT),
    host: values.host ?? env.HOST,
    defaultInstance: values["default-instance"],
    hosts: number("hosts", values.hosts),
    stock: number("stock", values.stock),
    memoryMb: number("memory-mb", values["memory-mb"]),
    maxWorkers: number("max-workers", values["max-workers"]),
    maxBodyBytes: number("max-body-bytes", values["max-body-bytes"]),
    queueLimit: number("queue-limit", values["queue-limit"]),
    adminToken: values["admin-token"] ?? env.HOODY_EXEC_ADMIN_TOKEN ?? null,
    trustProxy: values["trust-proxy"],
    debug: values.debug,
    quiet: values.quiet,
  });
  // A stop signal ends the process whatever stop() does: a hang or a failure in it must not keep
  // the server alive until the supervisor's SIGKILL.
  const stop = () => {
    const bound = new Promise((resolve) => setTimeout(resolve, 5000));
    void Promise.race([running.stop(), bound]).catch(() => {}).finally(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    createLogger().error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
