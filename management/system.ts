import { readdirSync } from "node:fs";
import { Hono } from "hono";
import type { ManagementEnv } from "./env.ts";

const STARTED = new Date().toISOString();
const VERSION = "0.1.0";

/** GET /health (open to everyone, SPEC §21). */
export function systemRoutes(): Hono<ManagementEnv> {
  return new Hono<ManagementEnv>().get("/health", (c) => {
    const memory = process.memoryUsage();
    return c.json({
      status: "ok",
      service: "hoody-exec",
      version: VERSION,
      built: VERSION,
      started: STARTED,
      memory: { rss: memory.rss, heap: memory.heapUsed },
      fds: countFds(),
      pid: process.pid,
      ip: c.env.clientIp,
      userAgent: c.req.header("user-agent") ?? null,
    });
  });
}

function countFds(): number | null {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return null;
  }
}
