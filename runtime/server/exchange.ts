/** What the pipeline's steps learn about a request and hand each other. */
import type { RouteMatch } from "../../routing/table.ts";
import type { Upgrade } from "../adapter/types.ts";
import type { UrlParts } from "../protocol/url-parts.ts";
import type { Instance, Routes } from "./instances.ts";
import type { Script } from "./scripts.ts";
import type { Ticket } from "./websockets.ts";

/** Step 1's findings: which instance, which path, who asks. */
export interface Front {
  execId: string;
  host: string | null;
  target: UrlParts;
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
  };
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
  };
}
