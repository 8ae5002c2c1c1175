/** What the pipeline tells a Worker about a request, made cheap enough for every request. */
import { headerOf } from "../protocol/header-pairs.ts";
import type { RequestInfo } from "../protocol/messages.ts";

/** A request running right now (GET /monitor/active-requests, restart drains). */
export type ActiveRequest = Pick<
  RequestInfo,
  "executionId" | "execId" | "scriptPath" | "hostname" | "clientIp" | "method" | "url" | "startedAt"
>;

/** What the API may show of a running request: no headers, so no credentials. */
export function publicView(r: RequestInfo): ActiveRequest {
  return {
    executionId: r.executionId,
    execId: r.execId,
    scriptPath: r.scriptPath,
    hostname: r.hostname,
    clientIp: r.clientIp,
    method: r.method,
    url: r.url,
    startedAt: r.startedAt,
  };
}

/**
 * Execution ids shaped like a UUID: a random prefix per server start and a counter, as unique as
 * `randomUUID()` within and across starts, at a fraction of the cost on every request.
 */
export function createExecutionIds(): () => string {
  const prefix = crypto.randomUUID().slice(0, 24);
  let counter = 0;
  return () => {
    counter += 1;
    return prefix + counter.toString(16).padStart(12, "0");
  };
}

/**
 * The request's headers as pairs, names in lower case: `forEach` (the iterator costs Deno
 * microseconds per header). The pipeline reads them once and looks in the pairs
 * (protocol/header-pairs.ts, `headerOf`): on Deno each `Headers.get` or `has` costs ~0.1-0.2 µs
 * of argument checks.
 */
export function headerPairs(headers: Headers): [string, string][] {
  const pairs: [string, string][] = [];
  headers.forEach((value, name) => pairs.push([name, value]));
  return pairs;
}

/** The client's address: the socket's, or the first X-Forwarded-For hop behind a trusted proxy. */
export function clientIpOf(
  headers: readonly [string, string][],
  socketIp: string,
  trustProxy: boolean,
): string {
  if (!trustProxy) return socketIp;
  return headerOf(headers, "x-forwarded-for")?.split(",")[0]?.trim() || socketIp;
}
