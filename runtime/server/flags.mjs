// @ts-check
// Every option of `hoody-exec serve`, once: the command-line parser, the usage text, the launcher's
// reading of the command line (bin/) and the resolved config (config.ts) are all made from this
// table. Plain JavaScript with JSDoc types, so the Node launcher can import it too.
import { parseArgs } from "node:util";

/**
 * @typedef {object} Flag
 * @property {string} flag       the long option, without `--`
 * @property {string} key        its field in ServeConfig
 * @property {true} [launcher]   read by the launcher (bin/), not a ServeConfig field
 * @property {"string" | "integer" | "boolean"} type
 * @property {string} [env]      the environment variable read when the flag is absent
 * @property {string} [value]    what the usage text calls the value
 * @property {string} doc        one line for the usage text, defaults included
 * @property {true} [repeat]     may be given several times (a list; its variable is comma-separated)
 */

/** @type {readonly Flag[]} */
export const FLAGS = [
  {
    flag: "root",
    key: "root",
    type: "string",
    env: "HOODY_EXEC_ROOT",
    value: "DIR",
    doc: "scripts root, one folder per instance (default ./scripts)",
  },
  {
    flag: "port",
    key: "port",
    type: "integer",
    env: "PORT",
    value: "N",
    doc: "port (default 8080)",
  },
  {
    flag: "host",
    key: "host",
    type: "string",
    env: "HOST",
    value: "ADDR",
    doc: "address to bind (default 127.0.0.1)",
  },
  {
    flag: "runtime",
    key: "runtime",
    launcher: true,
    type: "string",
    env: "HOODY_EXEC_RUNTIME",
    value: "bun|deno",
    doc: "runtime to run on (default bun)",
  },
  {
    flag: "default-instance",
    key: "defaultInstance",
    type: "string",
    value: "ID",
    doc: "instance when the Host header names none (default 1)",
  },
  {
    flag: "hosts",
    key: "hosts",
    type: "integer",
    value: "N",
    doc: "Worker host processes per mode (default: one per core)",
  },
  {
    flag: "stock",
    key: "stock",
    type: "integer",
    value: "N",
    doc: "ready Workers per host for serverless requests, at the least (default 1; bursts grow it)",
  },
  {
    flag: "memory-mb",
    key: "memoryMb",
    type: "integer",
    value: "N",
    doc: "resident memory per Worker host, killed and replaced above it (default 4096)",
  },
  {
    flag: "max-workers",
    key: "maxWorkers",
    type: "integer",
    value: "N",
    doc:
      "worker-mode Workers alive at once; the one idle longest makes room (default 256 on Bun, 64 on Deno)",
  },
  {
    flag: "max-body-bytes",
    key: "maxBodyBytes",
    type: "integer",
    value: "N",
    doc: "largest request body (default 10485760)",
  },
  {
    flag: "queue-limit",
    key: "queueLimit",
    type: "integer",
    value: "N",
    doc: "requests waiting per @concurrent script (default 100)",
  },
  {
    flag: "ws-max-connections",
    key: "wsMaxConnections",
    type: "integer",
    env: "HOODY_EXEC_WS_MAX_CONNECTIONS",
    value: "N",
    doc: "open WebSockets per instance (default 10000)",
  },
  {
    flag: "ws-max-message-bytes",
    key: "wsMaxMessageBytes",
    type: "integer",
    env: "HOODY_EXEC_WS_MAX_MESSAGE_BYTES",
    value: "N",
    doc: "largest WebSocket message (default 1048576)",
  },
  {
    flag: "ws-idle-timeout-s",
    key: "wsIdleTimeoutSeconds",
    type: "integer",
    env: "HOODY_EXEC_WS_IDLE_TIMEOUT_S",
    value: "N",
    doc: "close a WebSocket silent this long (default 120)",
  },
  {
    flag: "ws-backpressure-bytes",
    key: "wsBackpressureBytes",
    type: "integer",
    env: "HOODY_EXEC_WS_BACKPRESSURE_BYTES",
    value: "N",
    doc: "close a WebSocket whose client reads slower than this much queued (default 1048576)",
  },
  {
    flag: "install-timeout-ms",
    key: "installTimeoutMs",
    type: "integer",
    env: "HOODY_EXEC_INSTALL_TIMEOUT_MS",
    value: "N",
    doc: "kill a package install that runs longer (default 120000)",
  },
  {
    flag: "log-max-file-bytes",
    key: "logMaxFileBytes",
    type: "integer",
    env: "HOODY_EXEC_LOG_MAX_FILE_BYTES",
    value: "N",
    doc: "start the next log file past this size (default 10485760)",
  },
  {
    flag: "log-max-total-bytes",
    key: "logMaxTotalBytes",
    type: "integer",
    env: "HOODY_EXEC_LOG_MAX_TOTAL_BYTES",
    value: "N",
    doc: "delete an instance's oldest log files past this total (default 104857600)",
  },
  {
    flag: "versions-keep",
    key: "versionsKeep",
    type: "integer",
    env: "HOODY_EXEC_VERSIONS_KEEP",
    value: "N",
    doc: "earlier versions kept per script; the oldest go (default 50)",
  },
  {
    flag: "versions-max-bytes",
    key: "versionsMaxBytes",
    type: "integer",
    env: "HOODY_EXEC_VERSIONS_MAX_BYTES",
    value: "N",
    doc: "delete the oldest script versions past this total (default 134217728)",
  },
  {
    flag: "admin-token",
    key: "adminToken",
    type: "string",
    env: "HOODY_EXEC_ADMIN_TOKEN",
    value: "TOKEN",
    doc: "management API token (without one, loopback clients only)",
  },
  {
    flag: "trust-proxy",
    key: "trustProxy",
    type: "boolean",
    doc: "take the client IP from X-Forwarded-For",
  },
  {
    flag: "state",
    key: "state",
    type: "string",
    env: "HOODY_EXEC_STATE",
    value: "memory|kv",
    doc: "shared in memory, or kept across restarts in DIR/_hoody/kv (default memory)",
  },
  { flag: "debug", key: "debug", type: "boolean", doc: "stack traces in error responses" },
  { flag: "quiet", key: "quiet", type: "boolean", doc: "no info lines in the log" },
  {
    flag: "upstream",
    key: "upstreams",
    type: "string",
    repeat: true,
    env: "HOODY_EXEC_UPSTREAMS",
    value: "NAME=URL",
    doc: "a service to proxy at NAME.proxy.* with hooks (repeatable; docs/proxy-hooks.md)",
  },
  {
    flag: "ai-base-url",
    key: "aiBaseUrl",
    type: "string",
    env: "HOODY_EXEC_AI_BASE_URL",
    value: "URL",
    doc: "OpenAI-compatible gateway for `// @ai true` scripts (docs/ai.md; default none)",
  },
  {
    flag: "ai-key",
    key: "aiKey",
    type: "string",
    env: "HOODY_EXEC_AI_KEY",
    value: "KEY",
    doc: "the gateway's key; a script's @ai-key replaces it (default none)",
  },
  {
    flag: "ai-model",
    key: "aiModel",
    type: "string",
    env: "HOODY_EXEC_AI_MODEL",
    value: "ID",
    doc: "model when a script names none with @ai-model (default none)",
  },
];

/** Serve flags that take a value: the word after one is that value, never a command. */
export const SERVE_VALUE_FLAGS = new Set(
  FLAGS.filter((f) => f.type !== "boolean").map((f) => `--${f.flag}`),
);

const OPTION_COLUMN = Math.max(
  ...FLAGS.map((f) => `--${f.flag}${f.value ? ` ${f.value}` : ""}`.length),
) + 3;

export const USAGE = `hoody-exec — every file under a scripts folder is an HTTP endpoint

Usage:
  hoody-exec serve [options]           serve the scripts root
  hoody-exec dev   [options]           serve, with a line per request in the log
  hoody-exec <group> <verb> [options]  drive a running server (hoody-exec --help lists them)

Options:
${
  FLAGS.map((f) =>
    `  ${`--${f.flag}${f.value ? ` ${f.value}` : ""}`.padEnd(OPTION_COLUMN)}${f.doc}${
      f.env ? ` [env ${f.env}]` : ""
    }`
  ).join("\n")
}
`;

/**
 * @typedef {object} ServeCommand
 * @property {string} command                   `serve`, `dev`, `help` or what was typed
 * @property {Record<string, string | number | boolean | string[]>} config   ServeConfig fields given by a flag or its environment variable
 */

/**
 * Reads a serve command line: each flag, else its environment variable. Integers are checked here,
 * naming the flag or variable; ranges and defaults are config.ts's.
 * @param {string[]} argv
 * @param {Record<string, string | undefined>} env
 * @returns {ServeCommand}
 */
export function readServeCommand(argv, env) {
  /** @type {Record<string, { type: "string" | "boolean", short?: string, multiple?: boolean }>} */
  const options = { help: { type: "boolean", short: "h" } };
  for (const f of FLAGS) {
    options[f.flag] = {
      type: f.type === "boolean" ? "boolean" : "string",
      multiple: f.repeat === true,
    };
  }
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options });
  /** @type {Record<string, string | number | boolean | string[]>} */
  const config = {};
  for (const f of FLAGS) {
    if (f.launcher) continue;
    if (f.repeat) {
      const list = /** @type {string[] | undefined} */ (values[f.flag]) ??
        (f.env ? env[f.env]?.split(",").map((v) => v.trim()).filter((v) => v !== "") : undefined);
      if (list && list.length > 0) config[f.key] = list;
      continue;
    }
    const given = /** @type {string | boolean | undefined} */ (values[f.flag]);
    const raw = given ?? (f.env ? env[f.env] : undefined);
    if (raw === undefined || raw === "") continue;
    const source = given === undefined ? f.env : `--${f.flag}`;
    if (f.type === "integer") {
      const n = Number(raw);
      if (!Number.isInteger(n)) throw new Error(`${source} must be an integer (got "${raw}")`);
      config[f.key] = n;
    } else config[f.key] = raw;
  }
  return { command: values.help ? "help" : positionals[0] ?? "serve", config };
}
