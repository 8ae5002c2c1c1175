import { randomUUID } from "node:crypto";
import { parseInstanceId } from "../../routing/instance.ts";
import type { RouteMatch } from "../../routing/table.ts";
import { ServerError, toErrorResponse } from "../errors.ts";
import type { HostPool } from "../host/pool-api.ts";
import type { Logger } from "../log.ts";
import type { ModuleRef, RequestInfo, Unit } from "../protocol/messages.ts";
import { readBody } from "./body.ts";
import type { ResolvedConfig } from "./config.ts";
import { corsHeaders, isPreflight, preflightResponse } from "./cors.ts";
import { createGate, type Gate } from "./gate.ts";
import type { Instance, InstanceRegistry, Routes } from "./instances.ts";
import { checkPath } from "./path-check.ts";
import type { Script } from "./scripts.ts";
import { presentedToken, tokenMatches } from "./token.ts";
import { isWebSocketUpgrade, type Ticket, type WebSockets } from "./websockets.ts";
import type { Upgrade } from "../adapter/types.ts";

/** A request running right now (GET /monitor/active-requests, restart drains). */
export interface ActiveRequest {
  executionId: string;
  scriptPath: string;
  hostname: string;
  clientIp: string;
  method: string;
  url: string;
  startedAt: number;
}

export interface Pipeline {
  /** `upgrade` (from the adapter) lets a WebSocket request become one; without it, it is plain HTTP. */
  (request: Request, socketIp: string, upgrade?: Upgrade): Promise<Response>;
  readonly active: Map<string, ActiveRequest>;
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
  const active = new Map<string, ActiveRequest>();

  const handle = async (
    request: Request,
    socketIp: string,
    upgrade?: Upgrade,
  ): Promise<Response> => {
    let cors: [string, string][] = [];
    let ticket: Ticket | null = null;
    let path = "";
    try {
      // 1. Front: a well-formed Host and a safe path, or 400 before anything else.
      const execId = parseInstanceId(request.headers.get("host"), config.defaultInstance);
      if (execId === null) {
        throw new ServerError("BAD_REQUEST", "The Host header is missing or malformed");
      }
      const url = parseRequestUrl(request.url);
      path = url.pathname;
      checkPath(url.pathname);
      const clientIp = clientIpOf(request, socketIp, config.trustProxy);

      // 2. The management API always wins over scripts.
      if (isManagementPath(url.pathname)) {
        return await options.management(request, clientIp);
      }

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
      const routes = await instance.routes();
      const match = routes.table.match(url.pathname);
      if (!match) throw new ServerError("NOT_FOUND", `No script answers ${url.pathname}`);
      const script = await instance.scripts.get(match.route.file);
      const d = script.directives;

      // 5. Directives, all before any Worker work: @enabled, CORS preflight, @token.
      if (!d.enabled) {
        throw new ServerError("SCRIPT_DISABLED", `${script.file} is disabled (// @enabled false)`);
      }
      if (d.cors.kind !== "none" && isPreflight(request)) return preflightResponse(d, request);
      cors = corsHeaders(d, request.headers.get("origin"));
      if (d.token !== null && !tokenMatches(d.token, presentedToken(request, url))) {
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
      const body = await readBody(request, config.maxBodyBytes);

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
        const unit = await unitOf(
          units,
          instance,
          routes,
          match,
          script,
          config,
          options.selfOrigin(),
        );
        const info = requestInfo(request, url, execId, clientIp, match, script);
        active.set(info.executionId, {
          executionId: info.executionId,
          scriptPath: script.file,
          hostname: info.hostname,
          clientIp,
          method: info.method,
          url: info.url,
          startedAt: info.startedAt,
        });
        const outcome = await pool.run(unit, info, body, d.timeout, ticket?.conn).finally(() =>
          active.delete(info.executionId)
        );

        // 7. The Worker's status, headers and body -> a Response; or the accepted WebSocket
        // (the Worker answered 101), which the server thread holds from now on.
        if (ticket && upgrade && outcome.attach) {
          const key = `${instance.id}:${script.file}`;
          const accepted = ticket;
          ticket = null;
          return websockets.open(accepted, request, upgrade, key, outcome.attach);
        }
        let headers: HeadersInit = outcome.response.headers;
        if (cors.length > 0) {
          const merged = new Headers(headers);
          for (const [name, value] of cors) if (!merged.has(name)) merged.set(name, value);
          headers = merged;
        }
        const empty = request.method === "HEAD" ||
          [101, 204, 205, 304].includes(outcome.response.status);
        // A streamed body nobody will read (HEAD, 204…) stops its script at once.
        if (empty) void outcome.stream?.cancel();
        return new Response(empty ? null : outcome.stream ?? outcome.body, {
          status: outcome.response.status,
          headers,
        });
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
    draining: false,
  });
  return pipeline;
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
  // Every request after the first: the same script objects as last time -> the same unit, no awaits.
  const seen = units.get(script);
  if (
    seen && seen.pre === (middleware.pre ? instance.scripts.peek(middleware.pre) : undefined) &&
    seen.post === (middleware.post ? instance.scripts.peek(middleware.post) : undefined)
  ) return seen.unit;
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

function requestInfo(
  request: Request,
  url: URL,
  execId: string,
  clientIp: string,
  match: RouteMatch,
  script: Script,
): RequestInfo {
  return {
    executionId: randomUUID(),
    method: request.method,
    url: url.href,
    headers: [...request.headers],
    clientIp,
    hostname: url.hostname,
    execId,
    scriptPath: script.file,
    parameters: match.params,
    startedAt: Date.now(),
  };
}

/** The request's URL; a runtime builds it from the Host header, so a bad one is the client's fault. */
function parseRequestUrl(url: string): URL {
  try {
    return new URL(url);
  } catch (cause) {
    throw new ServerError("BAD_REQUEST", "The request target or the Host header is malformed", {
      cause,
    });
  }
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
