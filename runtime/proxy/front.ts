/**
 * The proxy front (docs/proxy-hooks.md): a request whose Host is `{name}.proxy.…` goes to the
 * upstream `name`, never to the scripts. A WebSocket upgrade is joined to the upstream's; otherwise
 * the service's first matching hook runs its script (the pool's usual path, with `metadata.hook`),
 * and with no match the request passes through, streamed both ways. The pipeline calls the front
 * once per request, right after its own front step.
 */
import { dirname } from "node:path";
import { ServerError } from "../errors.ts";
import type { RunOutcome, WorkerPool } from "../host/pool-api.ts";
import type { RequestInfo } from "../protocol/messages.ts";
import type { HookInfo } from "../protocol/forwarding.ts";
import { readBody } from "../server/body.ts";
import type { ResolvedConfig } from "../server/config.ts";
import { type Exchange, type Front, noteLogging } from "../server/exchange.ts";
import type { InstanceRegistry } from "../server/instances.ts";
import { toResponse } from "../server/outcome-response.ts";
import { createExecutionIds } from "../server/request-info.ts";
import type { UnitFor } from "../server/units.ts";
import { isWebSocketUpgrade } from "../server/websockets.ts";
import type { Hook } from "./hook-record.ts";
import type { HookStore } from "./store.ts";
import { passWebSocket } from "./websocket.ts";
import { type Upstream, upstreamOfHost } from "./upstreams.ts";

export interface ProxyFrontOptions {
  config: ResolvedConfig;
  upstreams: readonly Upstream[];
  store: HookStore;
  instances: InstanceRegistry;
  pool: WorkerPool;
  units: UnitFor;
}

/** Answers a proxied request; null when the Host names no proxied service (the scripts answer). */
export type ProxyFront = (
  request: Request,
  at: Front,
  exchange: Exchange,
) => Promise<Response> | null;

/** Script failures a hook answers as 502 HOOK_FAILED (its timeout as 504 HOOK_TIMEOUT). */
const HOOK_FAILURES = new Set(["SCRIPT_ERROR", "SCRIPT_CRASHED", "COMPILE_ERROR", "NOT_FOUND"]);

export function createProxyFront(options: ProxyFrontOptions): ProxyFront {
  const { config, store, instances, pool, units } = options;
  const byName = new Map(options.upstreams.map((u) => [u.name, u]));
  const nextExecutionId = createExecutionIds();

  /** The hook's script, in its instance, within the hook's timeout (and its own @timeout). */
  async function runHook(
    request: Request,
    at: Front,
    exchange: Exchange,
    upstream: Upstream,
    hook: Hook,
  ): Promise<Response> {
    const execId = hook.script.execId ?? config.defaultInstance;
    const file = hook.script.path;
    const instance = instances.get(execId);
    if (!instance) throw hookFailed(hook, `its instance "${execId}" has no folder`);
    const [routes, script] = await Promise.all([instance.routes(), instance.scripts.get(file)]);
    const d = script.directives;
    if (!d.enabled) throw hookFailed(hook, `${file} is disabled (// @enabled false)`);
    exchange.execId = execId;
    exchange.script = file;
    noteLogging(exchange, d);
    const body = request.body ? await readBody(request, config.maxBodyBytes) : null;
    if (d.logRequestBody) exchange.requestBody = body;
    const dir = dirname(file) === "." ? "" : dirname(file);
    const route = { file, pattern: "", type: "static" as const, params: [], dir };
    const unit = await units(instance, routes, { route, params: {} }, script);
    const hookInfo: HookInfo = {
      id: hook.id,
      service: upstream.name,
      upstream: {
        name: upstream.name,
        host: upstream.host,
        port: upstream.port,
        origin: upstream.origin,
      },
    };
    const info: RequestInfo = {
      executionId: nextExecutionId(),
      method: request.method,
      url: request.url,
      headers: at.headers,
      clientIp: at.clientIp,
      hostname: (at.target.authority || (at.host ?? "")).replace(/:\d+$/, "").toLowerCase(),
      execId,
      scriptPath: file,
      parameters: {},
      startedAt: Date.now(),
      hook: hookInfo,
    };
    exchange.executionId = info.executionId;
    const timeout = d.timeout === 0 ? hook.timeout : Math.min(hook.timeout, d.timeout);
    let outcome: RunOutcome;
    try {
      outcome = await pool.run(unit, info, body, timeout);
    } catch (error) {
      throw asHookError(error, hook, timeout);
    }
    return toResponse(request.method, outcome, []);
  }

  return (request, at, exchange) => {
    const upstream = upstreamOfHost(at.host, byName);
    if (upstream === undefined) return null;
    return (async () => {
      if (upstream === null) {
        throw new ServerError(
          "NOT_FOUND",
          `No upstream is named "${
            at.host?.split(".")[0]
          }": start the server with --upstream name=URL`,
        );
      }
      if (isWebSocketUpgrade(at.headers)) {
        if (!exchange.upgrade) {
          throw new ServerError("BAD_REQUEST", "This server cannot take WebSocket upgrades");
        }
        return passWebSocket(request, exchange.upgrade, upstream, at.clientIp, at.host ?? "");
      }
      const hook = store.find(upstream.name, request.method, at.target.path, request.headers);
      if (!hook) {
        // node:http and node:https take ~15 ms to load: only a server that passes requests pays.
        const { passThrough } = await import("./pass-through.ts");
        return await passThrough(request, upstream, at.clientIp, at.host ?? "");
      }
      try {
        return await runHook(request, at, exchange, upstream, hook);
      } catch (error) {
        throw asHookError(error, hook, hook.timeout);
      }
    })();
  };
}

function hookFailed(hook: Hook, why: string, cause?: unknown): ServerError {
  return new ServerError("HOOK_FAILED", `Hook ${hook.id} (${hook.script.path}): ${why}`, { cause });
}

/** A script's failure as the hook's: 502, or 504 for its timeout; anything else as it is. */
function asHookError(error: unknown, hook: Hook, timeout: number): unknown {
  if (!(error instanceof ServerError)) return error;
  if (error.code === "SCRIPT_TIMEOUT") {
    return new ServerError(
      "HOOK_TIMEOUT",
      `Hook ${hook.id} (${hook.script.path}) did not answer within ${timeout} ms`,
      { cause: error },
    );
  }
  if (HOOK_FAILURES.has(error.code)) return hookFailed(hook, error.message, error);
  return error;
}
