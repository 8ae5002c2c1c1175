/**
 * How the pipeline tells a schedule's fire from a client's request. The scheduler builds the fire's
 * Request itself and marks that object here; the header it carries (`x-hoody-schedule-run: <runId>`)
 * tells the script. A request carrying the header without the mark (a client, or a script's own
 * fetch) is refused: a schedule run cannot be forged from outside.
 */
import { ServerError } from "../errors.ts";
import { headerOf } from "../protocol/header-pairs.ts";

export const SCHEDULE_RUN_HEADER = "x-hoody-schedule-run";

const marked = new WeakMap<Request, string>();

/** The fire's Request: `runId` becomes its executionId, and @token does not apply to it. */
export function markScheduleRun(request: Request, runId: string): Request {
  marked.set(request, runId);
  return request;
}

/**
 * The runId of a schedule's fire, null for any other request; throws for a forged one. `headers`:
 * the request's, as pairs (protocol/header-pairs.ts).
 */
export function scheduleRunOf(
  request: Request,
  headers: readonly [string, string][],
): string | null {
  const runId = marked.get(request);
  if (runId !== undefined) return runId;
  if (headerOf(headers, SCHEDULE_RUN_HEADER) !== null) {
    throw new ServerError(
      "BAD_REQUEST",
      `${SCHEDULE_RUN_HEADER} is set only by the server's scheduler: send the request without it (or fire the script with POST /api/v1/exec/schedules/trigger)`,
    );
  }
  return null;
}
