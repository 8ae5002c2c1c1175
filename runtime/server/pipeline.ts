import { randomUUID } from "node:crypto";
import { parseInstanceId, stripPort } from "../../routing/instance.ts";
import type { RouteMatch } from "../../routing/table.ts";
import { ServerError, toErrorResponse } from "../errors.ts";
import type { HostPool, RunOutcome } from "../host/pool-api.ts";
import type { Logger } from "../log.ts";
import type { ModuleRef, RequestInfo, Unit } from "../protocol/messages.ts";
import { readBody } from "./body.ts";
import { memoize } from "./memo.ts";
import type { ResolvedConfig } from "./config.ts";
import { corsHeaders, isPreflight, preflightResponse } from "./cors.ts";
import { createGate, type Gate } from "./gate.ts";
import type { Instance, InstanceRegistry, Routes } from "./instances.ts";
import { checkPath } from "./path-check.ts";
import { splitUrl } from "../protocol/url-parts.ts";
import type { Script } from "./scripts.ts";
import { presentedToken, tokenMatches } from "./token.ts";
import { isWebSocketUpgrade, type Ticket, type WebSockets } from "./websockets.ts";
import type { Upgrade } from "../adapter/types.ts";

/** A request running right now (GET /monitor/active-requests, restart drains). */
export type ActiveRequest = Pick<
  RequestInfo,
  "executionId" | "scriptPath" | "hostname" | "clientIp" | "method" | "url" | "startedAt"
>;

export interface Pipeline {
  /** `upgrade` (from the adapter) lets a WebSocket request become one; without it, it is plain HTTP. */
  (request: Request, socketIp: string, upgrade?: Upgrade): Promise<Response>;
  /** The requests running now, by execution id (their whole RequestInfo: headers included). */
  readonly active: Map<string, RequestInfo>;
  /** What the API may show of them: no headers, so no credentials. */
  activeRequests(): ActiveRequest[];
  /** While set, script requests answer 503 (a restart is draining); the management API still answers. */
  draining: boolean;
}

export interface PipelineOptions {
  config: ResolvedConfig;
  instances: InstanceRegistry;
  pool: HostPool;
  websockets: WebSockets;
  log: Logger;
  management(request: Request, clientIp: string): Response | Promise<Response>;
  /** Where a script's relative fetch("/x") goes: this server. */
  selfOrigin(): string;
}

const MANAGEMENT_PREFIX = "/api/v1/exec";
const MANAGEMENT_DOCUMENTS = new Set(["/openapi.json", "/openapi.yaml"]);

/** The management API and its OpenAPI document always win over scripts (SPEC D14). */
function isManagementPath(path: string): boolean {
  return path === MANAGEMENT_PREFIX || path.startsWith(`${MANAGEMENT_PREFIX}/`) ||
    MANAGEMENT_DOCUMENTS.has(path);
}
/** How long a request may wait at a `@concurrent` gate when the script has no timeout. */
const MAX_QUEUE_WAIT_MS = 60_000;

/** The request lifecycle (docs/architecture.md keeps this list): each step numbered where it happens. */
export function createPipeline(options: PipelineOptions): Pipeline {
  const { config, instances, pool, log, websockets } = options;
  const gates = new Map<string, Gate>();
  const units: UnitCache = new WeakMap();
  const active = new Map<string, RequestInfo>();
  const nextExecutionId = createExecutionIds();
  const instanceOf = memoize((host) => parseInstanceId(host, config.defaultInstance));
  const hostnameOf = memoize((authority) => (stripPort(authority) ?? "").toLowerCase());

  // Every step is synchronous once its script is loaded: an `await` only where work is pending
  // (a first scan or load, a body, the gate, the Worker's answer).
  const handle = async (
    request: Request,
    socketIp: string,
    upgrade?: Upgrade,
  ): Promise<Response> => {
    let cors: [string, string][] = NO_HEADERS;
    let ticket: Ticket | null = null;
    let path = "";
    try {
      // 1. Front: a well-formed Host and a safe path, or 400 before anything else.
      const host = request.headers.get("host");
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
      path = target.path;
      checkPath(path);
      const clientIp = clientIpOf(request, socketIp, config.trustProxy);

      // 2. The management API always wins over scripts.
      if (isManagementPath(path)) return await options.management(request, clientIp);

      if (pipeline.draining) {
        throw new ServerError("UNAVAILABLE", "The server is restarting; retry in a moment", {
          headers: { "retry-after": "1" },
        });
      }

      // 3. Host -> instance; 4. path -> script.
      const instance = instances.get(execId);
      if (!instance) {
        throw new ServerError(
          "UNKNOWN_INSTANCE",
          `No instance "${execId}": create the folder ${execId}/ in the scripts root`,
        );
      }
      const routes = instance.peekRoutes() ?? await instance.routes();
      const match = routes.table.match(path);
      if (!match) throw new ServerError("NOT_FOUND", `No script answers ${path}`);
      const script = instance.scripts.peek(match.route.file) ??
        await instance.scripts.get(match.route.file);
      const d = script.directives;

      // 5. Directives, all before any Worker work: @enabled, CORS preflight, @token.
      if (!d.enabled) {
        throw new ServerError("SCRIPT_DISABLED", `${script.file} is disabled (// @enabled false)`);
      }
      if (d.cors.kind !== "none") {
        if (isPreflight(request)) return preflightResponse(d, request);
        cors = corsHeaders(d, request.headers.get("origin"));
      }
      if (d.token !== null && !tokenMatches(d.token, presentedToken(request, target.search))) {
        throw new ServerError(
          "UNAUTHORIZED",
          "This script needs a token: send Authorization: Bearer <token>, X-Token or ?token=",
          {
            headers: { "www-authenticate": 'Bearer realm="hoody-exec"' },
          },
        );
      }
      // A WebSocket upgrade: the directives allow it, its origin passes @cors, the cap has room.
      if (upgrade && isWebSocketUpgrade(request)) {
        ticket = websockets.admit(instance.id, script, request);
      }
      const body = request.body ? await readBody(request, config.maxBodyBytes) : null;

      // 6. The @concurrent gate, then pre -> main -> post in the script's Worker, within @timeout.
      const release = d.concurrent === true
        ? null
        : await gateOf(gates, instance, script, config.queueLimit)
          .enter(
            d.concurrent === false ? 1 : d.concurrent,
            d.timeout || MAX_QUEUE_WAIT_MS,
            request.signal,
          );
      try {
        const unit = unitNow(units, instance, routes, match, script) ??
          await unitOf(units, instance, routes, match, script, config, options.selfOrigin());
        const info: RequestInfo = {
          executionId: nextExecutionId(),
          method: request.method,
          url: request.url,
          headers: headerPairs(request.headers),
          clientIp,
          // The URL the runtime built, else the Host header (both well-formed by now).
          hostname: hostnameOf(target.authority || (host ?? "")),
          execId,
          scriptPath: script.file,
          parameters: match.params,
          startedAt: Date.now(),
        };
        active.set(info.executionId, info);
        let outcome: RunOutcome;
        try {
          outcome = await pool.run(unit, info, body, d.timeout, ticket?.conn);
        } finally {
          active.delete(info.executionId);
        }

        // 7. The Worker's status, headers and body -> a Response; or the accepted WebSocket
        // (the Worker answered 101), which the server thread holds from now on.
        if (ticket && upgrade && outcome.attach) {
          const key = `${instance.id}:${script.file}`;
          const accepted = ticket;
          ticket = null;
          return websockets.open(accepted, request, upgrade, key, outcome.attach);
        }
        return toResponse(request.method, outcome, cors);
      } finally {
        release?.();
      }
    } catch (error) {
      return errorResponse(error, cors, config.debug, log, path);
    } finally {
      ticket?.release();
    }
  };
  const pipeline: Pipeline = Object.assign(handle, {
    active,
    activeRequests: () =>
      [...active.values()].map((r) => ({
        executionId: r.executionId,
        scriptPath: r.scriptPath,
        hostname: r.hostname,
        clientIp: r.clientIp,
        method: r.method,
        url: r.url,
        startedAt: r.startedAt,
      })),
    draining: false,
  });
  return pipeline;
}

const NO_HEADERS: [string, string][] = [];
const NO_BODY_STATUS = new Set([101, 204, 205, 304]);

/** The Worker's answer as a Response: the script's headers as the Worker sent them, plus CORS. */
function toResponse(method: string, outcome: RunOutcome, cors: [string, string][]): Response {
  const { status } = outcome.response;
  let headers = outcome.response.headers;
  if (cors.length > 0) {
    const own = new Set(headers.map(([name]) => name.toLowerCase()));
    headers = [...headers, ...cors.filter(([name]) => !own.has(name))];
  }
  const empty = method === "HEAD" || NO_BODY_STATUS.has(status);
  // A streamed body nobody will read (HEAD, 204…) stops its script at once.
  if (empty) void outcome.stream?.cancel();
  return new Response(empty ? null : outcome.stream ?? outcome.body, { status, headers });
}

/**
 * Execution ids shaped like a UUID: a random prefix per server start and a counter, as unique as
 * `randomUUID()` within and across starts, at a fraction of the cost on every request.
 */
function createExecutionIds(): () => string {
  const prefix = randomUUID().slice(0, 24);
  let counter = 0;
  return () => {
    counter += 1;
    return prefix + counter.toString(16).padStart(12, "0");
  };
}

/** The request's headers as pairs: `forEach` (the iterator costs Deno microseconds per header). */
function headerPairs(headers: Headers): [string, string][] {
  const pairs: [string, string][] = [];
  headers.forEach((value, name) => pairs.push([name, value]));
  return pairs;
}

function gateOf(
  gates: Map<string, Gate>,
  instance: Instance,
  script: Script,
  queueLimit: number,
): Gate {
  const key = `${instance.id}:${script.file}`;
  let gate = gates.get(key);
  if (!gate) {
    gate = createGate(queueLimit);
    gates.set(key, gate);
  }
  return gate;
}

/**
 * The unit a script ran with, kept while its Script object lives: a reloaded or cleared script is
 * a new object, so a change can never hit a stale entry (and nothing accumulates across edits).
 */
type UnitCache = WeakMap<Script, { pre: Script | undefined; post: Script | undefined; unit: Unit }>;

/** Every request after the first: the same script objects as last time -> the same unit, no awaits. */
function unitNow(
  units: UnitCache,
  instance: Instance,
  routes: Routes,
  match: RouteMatch,
  script: Script,
): Unit | null {
  const seen = units.get(script);
  if (!seen) return null;
  const middleware = routes.middleware.get(match.route.dir);
  const pre = middleware?.pre ? instance.scripts.peek(middleware.pre) : undefined;
  const post = middleware?.post ? instance.scripts.peek(middleware.post) : undefined;
  return seen.pre === pre && seen.post === post ? seen.unit : null;
}

/** The script with its directory's middleware, compiled. */
async function unitOf(
  units: UnitCache,
  instance: Instance,
  routes: Routes,
  match: RouteMatch,
  script: Script,
  config: ResolvedConfig,
  selfOrigin: string,
): Promise<Unit> {
  const middleware = routes.middleware.get(match.route.dir) ?? {};
  const [pre, post] = await Promise.all([
    middleware.pre ? instance.scripts.get(middleware.pre) : null,
    middleware.post ? instance.scripts.get(middleware.post) : null,
  ]);
  // Same content, same key: the pool keeps a worker-mode script's Worker across a reload.
  const key = [instance.id, script.file, script.hash, pre?.hash ?? "", post?.hash ?? ""].join(":");
  const moduleOf = (
    s: Script | null,
  ): Promise<ModuleRef | null> => (s ? s.module() : Promise.resolve(null));
  const [mainRef, preRef, postRef] = await Promise.all([
    script.module(),
    moduleOf(pre),
    moduleOf(post),
  ]);
  const unit: Unit = {
    key,
    instance: instance.id,
    mode: script.directives.mode,
    main: mainRef,
    pre: preRef,
    post: postRef,
    awaitPromises: script.directives.awaitPromises,
    websocket: script.directives.mode === "worker" && script.directives.websocket,
    scriptsRoot: config.root,
    selfOrigin,
    debug: config.debug,
  };
  units.set(script, { pre: pre ?? undefined, post: post ?? undefined, unit });
  return unit;
}

function clientIpOf(request: Request, socketIp: string, trustProxy: boolean): string {
  if (!trustProxy) return socketIp;
  return request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || socketIp;
}

function errorResponse(
  error: unknown,
  cors: [string, string][],
  debug: boolean,
  log: Logger,
  path: string,
): Response {
  const known = error instanceof ServerError
    ? error
    : new ServerError("INTERNAL", "Internal Server Error", { cause: error });
  if (!(error instanceof ServerError)) {
    log.error(`${path}: ${error instanceof Error ? error.stack : String(error)}`);
  } else if (known.status >= 500) log.warn(`${path}: ${known.code} ${known.message}`);
  return toErrorResponse(known, debug, cors);
}
