/** What the pipeline's steps learn about a request and hand each other. */
import type { RouteMatch } from "../../routing/table.ts";
import type { Upgrade } from "../adapter/types.ts";
import type { Directives, LogLevel } from "../directives/spec.ts";
import type { Bytes } from "../protocol/messages.ts";
import { ServerError } from "../errors.ts";
import type { UrlParts } from "../protocol/url-parts.ts";
import type { Instance, Routes } from "./instances.ts";
import type { Script } from "./scripts.ts";
import type { Ticket } from "./websockets.ts";

/** Step 1's findings: which instance, which path, who asks. */
export interface Front {
  execId: string;
  host: string | null;
  target: UrlParts;
  /** The request's headers, read once (request-info.ts, `headerPairs`). */
  headers: [string, string][];
  clientIp: string;
}

/** Step 3's findings: the script that answers, within its instance's routes. */
export interface Routed {
  instance: Instance;
  routes: Routes;
  match: RouteMatch;
  script: Script;
}

/** The request and what it carries across the steps, for its answer even when one fails. */
export interface Exchange {
  request: Request;
  upgrade: Upgrade | undefined;
  path: string;
  cors: [string, string][];
  ticket: Ticket | null;
  /** Set as the steps learn them, for the request's record (null: not known, or not a script's). */
  execId: string | null;
  script: string | null;
  executionId: string | null;
  clientIp: string;
  /** The script's `@log-level`, its request's header names (verbose, debug), its body (@log-request-body). */
  logLevel: LogLevel | null;
  headerNames: string[] | null;
  requestBody: Bytes | null;
  /** A schedule's fire: its runId (docs/schedules.md); null for every other request. */
  scheduleRun: string | null;
  /** What went wrong, when the answer is an error the server made (`CODE: message`). */
  error: string | null;
}

/**
 * One script request as it ended, for the access log and the metrics: handed to
 * `PipelineHooks.onRequest` once its response (its head, for a stream) is ready.
 */
export interface RequestRecord {
  /** Null when it failed before reaching a Worker (404, 401, a full queue…). */
  executionId: string | null;
  instance: string;
  /** The script's file below its instance; null when no script matched. */
  script: string | null;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  clientIp: string;
  /** Epoch ms. */
  startedAt: number;
  /** The script's `@log-level` (null: no script matched). */
  logLevel: LogLevel | null;
  /** `@log-level verbose|debug`: the request's header names (never their values). */
  headerNames: string[] | null;
  /** `@log-request-body true`: the request's body. */
  requestBody: Bytes | null;
  /** `CODE: message` of the error the server answered with (a throwing script, a timeout…). */
  error: string | null;
}

const NO_HEADERS: [string, string][] = [];

export function newExchange(request: Request, upgrade: Upgrade | undefined): Exchange {
  return {
    request,
    upgrade,
    path: "",
    cors: NO_HEADERS,
    ticket: null,
    execId: null,
    script: null,
    executionId: null,
    clientIp: "",
    logLevel: null,
    headerNames: null,
    requestBody: null,
    scheduleRun: null,
    error: null,
  };
}

/** What the access log will want of this request, as its script's directives say. */
export function noteLogging(exchange: Exchange, d: Directives): void {
  exchange.logLevel = d.logLevel;
  if (d.logLevel === "verbose" || d.logLevel === "debug") {
    exchange.headerNames = [...exchange.request.headers.keys()];
  }
}

/** The request's record once answered (`exchange.execId` is set: it reached the script side). */
export function recordOf(
  exchange: Exchange,
  response: Response,
  startedAt: number,
  durationMs: number,
): RequestRecord {
  return {
    executionId: exchange.executionId,
    instance: exchange.execId!,
    script: exchange.script,
    method: exchange.request.method,
    path: exchange.path,
    status: response.status,
    durationMs,
    clientIp: exchange.clientIp,
    startedAt,
    logLevel: exchange.logLevel,
    headerNames: exchange.headerNames,
    requestBody: exchange.requestBody,
    error: exchange.error,
  };
}

/** How the monitor names an error answer: `SCRIPT_ERROR: boom`, its first line, at most 200 chars. */
export function errorSummary(error: unknown): string {
  const text = error instanceof ServerError
    ? `${error.code}: ${error.message}`
    : "INTERNAL_ERROR: an unexpected server error";
  const line = text.split("\n", 1)[0]!;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}
