/**
 * A schedule's fire (docs/schedules.md): the script's route requested through the server's own
 * pipeline, marked as the fire, so it runs exactly as a request would; then its outcome recorded in
 * the history. At most one fire of a script at a time: another is recorded as skipped.
 */
import type { InstanceRegistry } from "../server/instances.ts";
import type { Script } from "../server/scripts.ts";
import type { ScheduleClock } from "./clock.ts";
import type { CronSchedule } from "./cron.ts";
import type { FireHistory, FireRecord, FireStatus } from "./history.ts";
import { outcomeOf, readPreview } from "./outcome.ts";
import { scriptPathOf, type ScriptRef } from "./paths.ts";
import { markScheduleRun, SCHEDULE_RUN_HEADER } from "./run-marker.ts";
import type { TriggerResult } from "./answers.ts";

/** One armed script: its schedule, its timer, and its fire running now (at most one). */
export interface Armed {
  ref: ScriptRef;
  cron: CronSchedule;
  urlPath: string;
  timeoutMs: number;
  registeredAt: number;
  nextFire: number | null;
  cancel: () => void;
  running: Promise<unknown> | null;
  last: FireRecord | null;
}

/** How one run ended, before it is recorded. */
interface Ran {
  status: FireStatus;
  error?: string;
  returnPreview?: string;
  /** The script's answer, for the trigger's caller. */
  data?: unknown;
}

export interface FiringOptions {
  instances: InstanceRegistry;
  /** The pipeline's fetch: the fire's Request goes through every step a client's would. */
  fetch(request: Request): Promise<Response>;
  /** This server's own origin, for the fire's URL. */
  origin(): string;
  clock: ScheduleClock;
  history: FireHistory;
  /** The entry armed for a script now (a re-armed script's new entry learns its fire has ended). */
  armedAt(path: string): Armed | undefined;
}

export interface Firing {
  /** Runs the script once through the pipeline and records it. */
  fire(entry: Armed): Promise<TriggerResult>;
  /** Each script's last recorded fire (seeded from the history at start). */
  lastFires: Map<string, FireRecord>;
  /** Fires recorded, and failed ones, since start. */
  counts: { fires: number; errors: number };
  /** Fires running now. */
  running: ReadonlySet<Promise<unknown>>;
}

export function createFiring(options: FiringOptions): Firing {
  const { clock, history } = options;
  const lastFires = new Map<string, FireRecord>();
  const running = new Set<Promise<unknown>>();
  const counts = { fires: 0, errors: 0 };

  /** Runs the script once through the pipeline and records it. */
  function fire(entry: Armed): Promise<TriggerResult> {
    const path = scriptPathOf(entry.ref);
    const runId = crypto.randomUUID();
    const ts = clock.now();
    if (entry.running) {
      return record(entry, { runId, ts, durationMs: 0, status: "skipped_overload" }, {
        triggered: false,
        error: `${path} is still running its previous fire`,
      });
    }
    const run = (async () => {
      const started = performance.now();
      let outcome: Ran;
      try {
        outcome = await runOnce(entry, runId);
      } catch (error) {
        outcome = { status: "error", error: (error as Error).message };
      }
      const durationMs = Math.round(performance.now() - started);
      return await record(entry, { runId, ts, durationMs, ...outcome }, { triggered: true });
    })();
    entry.running = run;
    running.add(run);
    void run.finally(() => {
      running.delete(run);
      for (const holder of [entry, options.armedAt(path)]) {
        if (holder?.running === run) holder.running = null;
      }
    });
    return run;
  }

  async function runOnce(entry: Armed, runId: string): Promise<Ran> {
    const instance = options.instances.get(entry.ref.execId);
    let script: Script;
    try {
      if (!instance) throw new Error(`the instance folder ${entry.ref.execId}/ is gone`);
      script = await instance.scripts.get(entry.ref.file);
    } catch (error) {
      return { status: "load_error", error: (error as Error).message };
    }
    if (!script.directives.enabled) {
      return { status: "disabled", error: `${entry.ref.file} is disabled (// @enabled false)` };
    }
    const request = markScheduleRun(
      new Request(options.origin() + entry.urlPath, {
        headers: {
          host: `exec-${entry.ref.execId}.localhost`,
          [SCHEDULE_RUN_HEADER]: runId,
          "user-agent": "hoody-exec-scheduler",
        },
      }),
      runId,
    );
    const response = await options.fetch(request);
    const text = await readPreview(response);
    const outcome = outcomeOf(response.status, text);
    const data = outcome.status === "ok" ? answerOf(response, text) : undefined;
    return {
      ...outcome,
      ...(text !== "" && outcome.status === "ok" ? { returnPreview: text } : {}),
      data,
    };
  }

  async function record(
    entry: Armed,
    fired: Ran & { runId: string; ts: number; durationMs: number },
    extra: { triggered: boolean; error?: string },
  ): Promise<TriggerResult> {
    const path = scriptPathOf(entry.ref);
    const error = fired.error ?? extra.error;
    const line: FireRecord = {
      ts: new Date(fired.ts).toISOString(),
      scriptPath: path,
      expression: entry.cron.expression,
      runId: fired.runId,
      status: fired.status,
      durationMs: fired.durationMs,
      ...(fired.returnPreview !== undefined ? { returnPreview: fired.returnPreview } : {}),
      ...(error !== undefined ? { error } : {}),
    };
    entry.last = line;
    lastFires.set(path, line);
    counts.fires += 1;
    if (FAILED.has(line.status)) counts.errors += 1;
    await history.append(line);
    return {
      triggered: extra.triggered,
      scriptPath: path,
      runId: fired.runId,
      status: fired.status,
      durationMs: fired.durationMs,
      ...(error !== undefined ? { error } : {}),
      ...(fired.data !== undefined ? { data: fired.data } : {}),
    };
  }

  return { fire, lastFires, counts, running };
}

/** The statuses `cron.errors` counts. */
const FAILED = new Set<FireStatus>(["error", "timeout", "load_error"]);

/** A fire's answer for the trigger's caller: JSON as a value, anything else as its text. */
function answerOf(response: Response, text: string): unknown {
  if (text === "") return undefined;
  if (response.headers.get("content-type")?.includes("json")) {
    try {
      return JSON.parse(text);
    } catch {
      return text; // cut at the preview's length
    }
  }
  return text;
}
