import { resolve } from "node:path";
import { isValidInstanceId } from "../../routing/instance.ts";
import { FLAGS } from "./flags.mjs";
import { parseUpstreams } from "../proxy/upstreams.ts";

export interface ServeConfig {
  /** Folder holding one sub-folder per instance. @default "./scripts" */
  root?: string;
  /** @default 8080 */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  /** Instance used when the Host header names none. @default "1" */
  defaultInstance?: string;
  /** Worker host processes: serverless spawns run on every core. @default the number of cores */
  hosts?: number;
  /** Ready Workers kept per host for serverless requests. @default 1 */
  stock?: number;
  /** Resident memory allowed per Worker host process, in MiB; 0 = no limit. @default 4096 */
  memoryMb?: number;
  /** Worker-mode Workers alive at once (the one idle longest makes room). @default 256 on Bun, 64 on Deno */
  maxWorkers?: number;
  /** Largest request body accepted, in bytes. @default 10 MiB */
  maxBodyBytes?: number;
  /** Requests that may wait behind a `@concurrent` limit. @default 100 */
  queueLimit?: number;
  /** Stack traces in error bodies. @default false */
  debug?: boolean;
  /** Take the client IP from X-Forwarded-For. @default false */
  trustProxy?: boolean;
  /** Token for /api/v1/exec/*; without one only loopback clients may call it. @default null */
  adminToken?: string | null;
  /** No info lines in the log. @default false */
  quiet?: boolean;
  /** Open WebSockets per instance. @default 10000 */
  wsMaxConnections?: number;
  /** Largest WebSocket message, in bytes. @default 1 MiB */
  wsMaxMessageBytes?: number;
  /** A WebSocket silent this long is closed. @default 120 */
  wsIdleTimeoutSeconds?: number;
  /** A WebSocket whose client lets this much queue up is closed. @default 1 MiB */
  wsBackpressureBytes?: number;
  /** A package install running longer is killed. @default 120000 */
  installTimeoutMs?: number;
  /** A log file passing this many bytes is followed by the next (`…-002.log`). @default 10 MiB */
  logMaxFileBytes?: number;
  /** An instance's log files together stay under this: the oldest go. @default 100 MiB */
  logMaxTotalBytes?: number;
  /** Earlier versions kept per script (docs/versions.md). @default 50 */
  versionsKeep?: number;
  /** All scripts' versions together stay under this: the oldest go. @default 128 MiB */
  versionsMaxBytes?: number;
  /** Where `shared` lives: memory only, or also a KV database under DIR/_hoody/kv (docs/state.md). @default "memory" */
  state?: "memory" | "kv";
  /** Services to proxy, `name=http://host:port` (docs/proxy-hooks.md). @default [] */
  upstreams?: string[];
  /** OpenAI-compatible gateway the AI helpers call (docs/ai.md). @default null */
  aiBaseUrl?: string | null;
  /** The gateway's key, unless a script's `@ai-key` gives one; never logged. @default null */
  aiKey?: string | null;
  /** Model for scripts without `@ai-model`. @default null */
  aiModel?: string | null;
}

export type ResolvedConfig = Required<ServeConfig>;

const POSITIVE: readonly (keyof ResolvedConfig)[] = [
  "maxWorkers",
  "maxBodyBytes",
  "queueLimit",
  "wsMaxConnections",
  "wsMaxMessageBytes",
  "wsIdleTimeoutSeconds",
  "wsBackpressureBytes",
  "installTimeoutMs",
  "logMaxFileBytes",
  "logMaxTotalBytes",
  "versionsKeep",
  "versionsMaxBytes",
];

/**
 * Worker-mode Workers alive at once when `--max-workers` is not given: about the same memory on
 * either runtime. A live worker-mode Worker costs ~10.7 MiB of RSS on Deno and ~4 on Bun, and a
 * garbage collection gives none of it back; with 1,000 scripts requested, Bun keeps 256 alive in
 * ~1.1 GiB and Deno 64 in ~1.1 GiB (256 would be ~3.1 GiB). docs/operations.md, Memory.
 */
const DEFAULT_MAX_WORKERS = { bun: 256, deno: 64 } as const;

/** Every option resolved; `runtime` picks the defaults that differ by runtime. */
export function resolveConfig(
  input: ServeConfig,
  runtime: keyof typeof DEFAULT_MAX_WORKERS,
): ResolvedConfig {
  const config: ResolvedConfig = {
    root: resolve(input.root ?? "scripts"),
    port: input.port ?? 8080,
    host: input.host ?? "127.0.0.1",
    defaultInstance: input.defaultInstance ?? "1",
    hosts: input.hosts ?? Math.min(64, Math.max(1, navigator.hardwareConcurrency || 1)),
    // One: Deno Workers booting side by side cost far more each (a hello at 50 connections: 41 ms
    // of CPU a request with two, 26 with one), and Bun is no faster with two.
    stock: input.stock ?? 1,
    memoryMb: input.memoryMb ?? 4096,
    maxWorkers: input.maxWorkers ?? DEFAULT_MAX_WORKERS[runtime],
    maxBodyBytes: input.maxBodyBytes ?? 10 * 1024 * 1024,
    queueLimit: input.queueLimit ?? 100,
    debug: input.debug ?? false,
    trustProxy: input.trustProxy ?? false,
    adminToken: input.adminToken ?? null,
    quiet: input.quiet ?? false,
    wsMaxConnections: input.wsMaxConnections ?? 10_000,
    wsMaxMessageBytes: input.wsMaxMessageBytes ?? 1024 * 1024,
    wsIdleTimeoutSeconds: input.wsIdleTimeoutSeconds ?? 120,
    wsBackpressureBytes: input.wsBackpressureBytes ?? 1024 * 1024,
    installTimeoutMs: input.installTimeoutMs ?? 120_000,
    logMaxFileBytes: input.logMaxFileBytes ?? 10 * 1024 * 1024,
    logMaxTotalBytes: input.logMaxTotalBytes ?? 100 * 1024 * 1024,
    versionsKeep: input.versionsKeep ?? 50,
    versionsMaxBytes: input.versionsMaxBytes ?? 128 * 1024 * 1024,
    state: input.state ?? "memory",
    upstreams: input.upstreams ?? [],
    aiBaseUrl: input.aiBaseUrl ?? null,
    aiKey: input.aiKey ?? null,
    aiModel: input.aiModel ?? null,
  };
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535 (got ${config.port})`);
  }
  if (!Number.isInteger(config.hosts) || config.hosts < 1 || config.hosts > 64) {
    throw new Error(`--hosts must be an integer from 1 to 64 (got ${config.hosts})`);
  }
  if (!Number.isInteger(config.stock) || config.stock < 0 || config.stock > 64) {
    throw new Error(`--stock must be an integer from 0 to 64 (got ${config.stock})`);
  }
  for (const key of POSITIVE) {
    const value = config[key];
    if (!Number.isInteger(value) || (value as number) < 1) {
      throw new Error(`--${flagOf(key)} must be a positive integer (got ${value})`);
    }
  }
  if (!Number.isInteger(config.memoryMb) || config.memoryMb < 0) {
    throw new Error(`--memory-mb must be a non-negative integer (got ${config.memoryMb})`);
  }
  if (!isValidInstanceId(config.defaultInstance)) {
    throw new Error(
      `--default-instance must match [A-Za-z0-9_]+, not start with _ nor be node_modules (got "${config.defaultInstance}")`,
    );
  }
  if (config.state !== "memory" && config.state !== "kv") {
    throw new Error(`--state must be memory or kv (got "${config.state}")`);
  }
  parseUpstreams(config.upstreams);
  if (!config.adminToken && !isLoopback(config.host)) {
    throw new Error(
      `--host ${config.host} exposes the management API beyond this machine: set --admin-token or HOODY_EXEC_ADMIN_TOKEN`,
    );
  }
  if (config.aiBaseUrl !== null && !/^https?:\/\/[^/]/.test(config.aiBaseUrl)) {
    throw new Error(`--ai-base-url must be an http(s) URL (got "${config.aiBaseUrl}")`);
  }
  return config;
}

/** The flag that sets a field, for messages: `maxWorkers` -> `max-workers`. */
function flagOf(key: string): string {
  return FLAGS.find((f) => f.key === key)?.flag ?? key;
}

export function isLoopback(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, "").replace(/^::ffff:/, "");
  return a === "localhost" || a === "::1" || a.startsWith("127.");
}
