import { parseInstanceId, stripPort } from "../../routing/instance.ts";
import type { RouteMatch } from "../../routing/table.ts";
import type { Upgrade } from "../adapter/types.ts";
import { requestErrorResponse, ServerError } from "../errors.ts";
import type { RunOutcome, WorkerPool } from "../host/pool-api.ts";
import type { Logger } from "../log.ts";
import type { RequestInfo } from "../protocol/messages.ts";
import { headerOf } from "../protocol/header-pairs.ts";
import { splitUrl } from "../protocol/url-parts.ts";
import { readBody } from "./body.ts";
import type { ResolvedConfig } from "./config.ts";
import { corsHeaders, isPreflight, preflightResponse } from "./cors.ts";
import { createGates, type GateDepth } from "./gate.ts";
import type { InstanceRegistry, Routes } from "./instances.ts";
import { isManagementPath } from "./management-path.ts";
import { memoize } from "./memo.ts";
import { toResponse } from "./outcome-response.ts";
import { checkPath } from "./path-check.ts";
import { presentedToken, tokenMatches } from "./token.ts";
import {
  type ActiveRequest,
  clientIpOf,
  createExecutionIds,
  headerPairs,
  publicView,
} from "./request-info.ts";
import { createUnits } from "./units.ts";
import { scheduleRunOf } from "../schedule/run-marker.ts";
import { createSlots } from "../slots.ts";
import type { ProxyFront } from "../proxy/front.ts";
import { isWebSocketUpgrade, type WebSockets } from "./websockets.ts";
import {
  errorSummary,
  type Exchange,
  type Front,
  newExchange,
  noteLogging,
  recordOf,
  type RequestRecord,
  type Routed,
} from "./exchange.ts";

export interface Pipeline {
  /** `upgrade` (from the adapter) lets a WebSocket request become one; without it, it is plain HTTP. */
  fetch(request: Request, socketIp: string, upgrade?: Upgrade): Promise<Response>;
  /** The requests running now; what the API may show of them: no headers, so no credentials. */
  activeRequests(): ActiveRequest[];
  /**
   * From now on script requests answer 503 (the management API still answers); resolves when the
   * running ones have finished, or after `ms`. `why` ends "The server is …" in the 503's message.
   */
  drain(ms: number, why: "restarting" | "stopping"): Promise<void>;
  /** Takes script requests again after a drain. */
  resume(): void;
  /** Every `@concurrent` gate's running and waiting requests. */
  queues(): GateDepth[];
  /** Hands the records of the requests answered so far to `onRequest` now (a stop calls it). */
  observe(): void;
}

/** Observers of the front (h3's config hooks). */
export interface PipelineHooks {
  /** Every response the front gives (`hoody-exec dev` logs a line per request). */
  onResponse?(request: Request, response: Response, ms: number): void;
  /** Every script request (not the management API's), once answered: access log and metrics. */
  onRequest?(record: RequestRecord): void;
}

export interface PipelineOptions {
  config: ResolvedConfig;
  instances: InstanceRegistry;
  pool: WorkerPool;
  websockets: WebSockets;
  log: Logger;
  hooks: PipelineHooks;
  management(request: Request, clientIp: string): Response | Promise<Response>;
  /** Where a script's relative fetch("/x") goes: this server. */
  selfOrigin(): string;
  /** Requests for a proxied service (`{name}.proxy.…`, runtime/proxy/): their answer, else null. */
  proxy?: ProxyFront;
}

/**
 * How soon answered requests' records reach the access log and the metrics: 5 ms after the first
 * of a batch under load; 100 ms when the last batch was smaller than `BUSY_BATCH`.
 */
const OBSERVE_AFTER_MS = 5;
const OBSERVE_QUIET_MS = 100;
const BUSY_BATCH = 8;
/** How long a request may wait at a `@concurrent` gate when the script has no timeout. */
const MAX_QUEUE_WAIT_MS = 60_000;

/**
 * The request lifecycle, one numbered step per function (docs/architecture.md keeps this list):
 * 1 front -> 2 management -> 3 route -> 4 directives -> 5 execute -> 6 respond.
 * Every step is synchronous once its script is loaded: an `await` only where work is pending (a
 * first scan or load, a body, the gate, the Worker's answer).
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const { config, instances, pool, log, websockets } = options;
  const gateOf = createGates(config.queueLimit);
  const unitFor = createUnits({
    root: config.root,
    selfOrigin: options.selfOrigin,
    ai: config,
    echo: !config.quiet,
  });
  const active = createSlots<RequestInfo>();
  const nextExecutionId = createExecutionIds();
  const instanceOf = memoize((host) => parseInstanceId(host, config.defaultInstance));
  const hostnameOf = memoize((authority) => (stripPort(authority) ?? "").toLowerCase());

  /** 1. Front: a well-formed Host and a safe path, or 400 before anything else. */
  function front(request: Request, socketIp: string): Front {
    const headers = headerPairs(request.headers);
    const host = headerOf(headers, "host");
    const execId = host === null ? config.defaultInstance : instanceOf(host);
    if (execId === null) {
      throw new ServerError("BAD_REQUEST", "The Host header is missing or malformed");
    }
    // The runtime builds the URL from the Host header: Bun leaves a bad Host out (the URL is then
    // the bare target), so anything that is not `scheme://authority/path` or `/path` is refused.
    const target = splitUrl(request.url);
    if (target === null) {
      throw new ServerError("BAD_REQUEST", "The request target or the Host header is malformed");
    }
    checkPath(target.path);
    const clientIp = clientIpOf(headers, socketIp, config.trustProxy);
    return { execId, host, target, headers, clientIp };
  }

  /** 3. Host -> instance, path -> script: synchronous once the routes are scanned and the script loaded. */
  function route(at: Front): Routed | Promise<Routed> {
    const instance = instances.get(at.execId);
    if (!instance) {
      throw new ServerError(
        "UNKNOWN_INSTANCE",
        `No instance "${at.execId}": create the folder ${at.execId}/ in the scripts root`,
      );
    }
    const routes = instance.peekRoutes();
    if (routes) {
      const match = matchOf(routes, at.target.path);
      const script = instance.scripts.peek(match.route.file);
      if (script) return { instance, routes, match, script };
    }
    return (async () => {
      const scanned = routes ?? await instance.routes();
      const match = matchOf(scanned, at.target.path);
      return {
        instance,
        routes: scanned,
        match,
        script: await instance.scripts.get(match.route.file),
      };
    })();
  }

  /** 4. Directives, all before any Worker work: @enabled, CORS (a preflight ends here), @token, WebSocket admission. */
  function directives(
    exchange: Exchange,
    at: Front,
    { instance, script }: Routed,
  ): Response | null {
    const { request, upgrade } = exchange;
    exchange.script = script.file;
    const d = script.directives;
    noteLogging(exchange, d);
    if (!d.enabled) {
      throw new ServerError("SCRIPT_DISABLED", `${script.file} is disabled (// @enabled false)`);
    }
    if (d.cors.kind !== "none") {
      if (isPreflight(request)) return preflightResponse(d, request);
      exchange.cors = corsHeaders(d, request.headers.get("origin"));
    }
    // A schedule's fire is the server itself (docs/schedules.md): @token guards clients.
    if (
      d.token !== null && exchange.scheduleRun === null &&
      !tokenMatches(d.token, presentedToken(request, at.target.search))
    ) {
      throw new ServerError(
        "UNAUTHORIZED",
        "This script needs a token: send Authorization: Bearer <token>, X-Token or ?token=",
        { headers: { "www-authenticate": 'Bearer realm="hoody-exec"' } },
      );
    }
    // A WebSocket upgrade: the directives allow it, its origin passes @cors, the cap has room.
    if (upgrade && isWebSocketUpgrade(at.headers)) {
      exchange.ticket = websockets.admit(instance.id, script, request);
    }
    return null;
  }

  /** 5. The @concurrent gate, then pre -> main -> post in the script's Worker, within @timeout. */
  async function execute(exchange: Exchange, at: Front, routed: Routed): Promise<Response> {
    const { request } = exchange;
    const { instance, routes, match, script } = routed;
    const d = script.directives;
    const body = request.body ? await readBody(request, config.maxBodyBytes) : null;
    if (d.logRequestBody) exchange.requestBody = body;
    const release = d.concurrent === true ? null : await gateOf(`${instance.id}:${script.file}`)
      .enter(
        d.concurrent === false ? 1 : d.concurrent,
        d.timeout || MAX_QUEUE_WAIT_MS,
        request.signal,
      );
    try {
      const pending = unitFor(instance, routes, match, script);
      const unit = pending instanceof Promise ? await pending : pending;
      const info: RequestInfo = {
        executionId: exchange.scheduleRun ?? nextExecutionId(),
        method: request.method,
        url: request.url,
        headers: at.headers,
        clientIp: at.clientIp,
        // The URL the runtime built, else the Host header (both well-formed by now).
        hostname: hostnameOf(at.target.authority || (at.host ?? "")),
        execId: at.execId,
        scriptPath: script.file,
        parameters: match.params,
        startedAt: Date.now(),
      };
      exchange.executionId = info.executionId;
      const slot = active.add(info);
      let outcome: RunOutcome;
      try {
        outcome = await pool.run(unit, info, body, d.timeout, exchange.ticket?.conn);
      } finally {
        active.delete(slot);
      }
      return respond(exchange, routed, outcome);
    } finally {
      release?.();
    }
  }

  /**
   * 6. The Worker's status, headers and body -> a Response; or the accepted WebSocket (the Worker
   * answered 101), which the server thread holds from now on.
   */
  function respond(
    exchange: Exchange,
    { instance, script }: Routed,
    outcome: RunOutcome,
  ): Response {
    const { request, upgrade, ticket } = exchange;
    if (ticket && upgrade && outcome.attach) {
      exchange.ticket = null;
      return websockets.open(
        ticket,
        request,
        upgrade,
        `${instance.id}:${script.file}`,
        outcome.attach,
      );
    }
    return toResponse(request.method, outcome, exchange.cors);
  }

  const { onResponse, onRequest } = options.hooks;
  /**
   * Answered requests' records, observed once their responses have left (or before a management
   * request, which reports them): the access line and the metrics are not the client's wait (a
   * paced worker-mode hello on Bun spent ~47 µs of its latency in them). A timer, not
   * setImmediate: Bun writes a response after its immediates; and a few ms away, so that under
   * load one timer serves hundreds of requests rather than one a turn. A quiet server waits
   * longer: there each timer is a wakeup of its own, on a core that serverless Workers' boots keep
   * busy (serverless at 50 connections, Deno: ~0.12 ms of the server's thread a request).
   */
  let records: RequestRecord[] = [];
  let observeAfterMs = OBSERVE_AFTER_MS;
  const observe = () => {
    const batch = records;
    records = [];
    for (const record of batch) {
      try {
        onRequest!(record);
      } catch (error) {
        log.error(`observing ${record.path}: ${error instanceof Error ? error.message : error}`);
      }
    }
  };

  /** The timer's hand-over: how many it finds sets how long the next batch gathers. */
  const observeLater = () => {
    observeAfterMs = records.length < BUSY_BATCH ? OBSERVE_QUIET_MS : OBSERVE_AFTER_MS;
    observe();
  };

  let draining: "restarting" | "stopping" | null = null;
  /** Steps 1-6 for one request; never throws: a failure is its error response. */
  async function answer(exchange: Exchange, socketIp: string): Promise<Response> {
    const { request } = exchange;
    try {
      const at = front(request, socketIp);
      exchange.path = at.target.path;
      const proxied = options.proxy?.(request, at, exchange);
      if (proxied) return await proxied;
      // 2. The management API and its OpenAPI document always win over scripts; what it reports
      // includes every request answered before it.
      if (isManagementPath(at.target.path)) {
        observe();
        return await options.management(request, at.clientIp);
      }
      exchange.execId = at.execId;
      exchange.clientIp = at.clientIp;
      exchange.scheduleRun = scheduleRunOf(request, at.headers);
      if (draining) {
        throw new ServerError("UNAVAILABLE", `The server is ${draining}; retry in a moment`, {
          headers: { "retry-after": "1" },
        });
      }
      const found = route(at);
      const routed = found instanceof Promise ? await found : found;
      return directives(exchange, at, routed) ?? await execute(exchange, at, routed);
    } catch (error) {
      exchange.error = errorSummary(error);
      return requestErrorResponse(error, {
        cors: exchange.cors,
        debug: config.debug,
        log,
        path: exchange.path,
      });
    } finally {
      exchange.ticket?.release();
    }
  }

  // serve() always observes (the access log and the metrics read every script request's record).
  async function fetch(request: Request, socketIp: string, upgrade?: Upgrade): Promise<Response> {
    const started = Date.now();
    const clock = performance.now();
    const exchange = newExchange(request, upgrade);
    const response = await answer(exchange, socketIp);
    const ms = performance.now() - clock;
    onResponse?.(request, response, ms);
    if (onRequest && exchange.execId !== null) {
      if (records.push(recordOf(exchange, response, started, ms)) === 1) {
        setTimeout(observeLater, observeAfterMs);
      }
    }
    return response;
  }
  return {
    fetch,
    activeRequests: () => active.values().map(publicView),
    async drain(ms, why) {
      draining = why;
      const deadline = Date.now() + ms;
      while (active.size > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    resume: () => void (draining = null),
    queues: () => gateOf.depths(),
    observe,
  };
}

function matchOf(routes: Routes, path: string): RouteMatch {
  const match = routes.table.match(path);
  if (!match) throw new ServerError("NOT_FOUND", `No script answers ${path}`);
  return match;
}
