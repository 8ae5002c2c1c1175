import type { RunOutcome } from "../host/pool-api.ts";
import { NULL_BODY_STATUSES } from "../protocol/bytes.ts";

/** The Worker's answer as a Response: the script's headers as the Worker sent them, plus CORS. */
export function toResponse(
  method: string,
  outcome: RunOutcome,
  cors: [string, string][],
): Response {
  const { status } = outcome.response;
  let headers = outcome.response.headers;
  if (cors.length > 0) {
    const own = new Set(headers.map(([name]) => name.toLowerCase()));
    headers = [...headers, ...cors.filter(([name]) => !own.has(name))];
  }
  const empty = method === "HEAD" || NULL_BODY_STATUSES.has(status);
  // A streamed body nobody will read (HEAD, 204…) stops its script at once.
  if (empty) void outcome.stream?.cancel();
  return new Response(empty ? null : outcome.stream ?? outcome.body, { status, headers });
}
