/**
 * The scheduler (docs/schedules.md): arms every route script that declares `@schedule`, from disk
 * at start and again whenever the watcher reports a change in its instance, and fires each at its
 * times (fire.ts runs and records a fire). Missed fires are not replayed.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { isValidInstanceId } from "../../routing/instance.ts";
import { scanInstance } from "../../routing/scan.ts";
import type { Logger } from "../log.ts";
import type { InstanceRegistry } from "../server/instances.ts";
import type { ScheduleClock } from "./clock.ts";
import { type CronSchedule, parseCron } from "./cron.ts";
import { type Armed, createFiring } from "./fire.ts";
import type { ReloadResult, ScheduleView, TriggerResult } from "./answers.ts";
import type { FireHistory, HistoryFilter } from "./history.ts";
import { createHeaderCache } from "./header-cache.ts";
import { firePathOf, scriptPathOf, type ScriptRef } from "./paths.ts";

export interface Scheduler {
  /** Arms the scripts on disk (once: later calls return the same promise); every call below starts it. */
  start(): Promise<void>;
  /** The watcher saw `relative` (below the scripts root) change: its instance is looked at again. */
  changed(relative: string): void;
  /** The watcher has just begun: if it started before, every instance is looked at again. */
  rescan(): void;
  list(): Promise<ScheduleView[]>;
  reload(dryRun: boolean): Promise<ReloadResult>;
  /** Fires the script now, as its schedule would, and answers once it has run. */
  trigger(ref: ScriptRef): Promise<TriggerResult>;
  history(filter: HistoryFilter): ReturnType<FireHistory["read"]>;
  /** `monitor/stats` `cron`: fires recorded and failed ones since start, schedules armed, fires running. */
  stats(): { fires: number; errors: number; active: number; wrapperActive: number };
  /** No fire starts after this; resolves once running fires are recorded. */
  stop(): Promise<void>;
}

export interface SchedulerOptions {
  root: string;
  instances: InstanceRegistry;
  /** The pipeline's fetch: the fire's Request goes through every step a client's would. */
  fetch(request: Request): Promise<Response>;
  /** This server's own origin, for the fire's URL. */
  origin(): string;
  clock: ScheduleClock;
  history: FireHistory;
  log: Logger;
}

/** What an instance's scripts on disk ask for: armable schedules and refused ones. */
interface Want {
  ref: ScriptRef;
  expression: string;
  urlPath: string;
  timeoutMs: number;
}
interface Wanted {
  schedules: Map<string, Want>;
  failed: Map<string, string>;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { clock, history, log } = options;
  const armed = new Map<string, Armed>();
  /** Scripts that declare `@schedule` but cannot be armed, with the reason. */
  const refused = new Map<string, string>();
  const headers = createHeaderCache();
  const { fire, lastFires, counts, running } = createFiring({
    instances: options.instances,
    fetch: options.fetch,
    origin: options.origin,
    clock,
    history,
    armedAt: (path) => armed.get(path),
  });
  let stopped = false;

  // ---- arming ----

  async function wantedIn(execId: string): Promise<Wanted> {
    const wanted: Wanted = { schedules: new Map(), failed: new Map() };
    const dir = join(options.root, execId);
    const scan = await scanInstance(dir).catch(() => null);
    if (!scan) return wanted; // the instance folder is gone
    for (const route of scan.routes) {
      const ref = { execId, file: route.file };
      const path = scriptPathOf(ref);
      const header = await headers.read(join(dir, route.file));
      if (header === null) continue; // deleted while we looked: the watcher reports it
      if (header.schedule === null) {
        if (header.refusal !== null) wanted.failed.set(path, header.refusal);
        continue;
      }
      const urlPath = firePathOf(route.file);
      if (urlPath === null) {
        wanted.failed.set(
          path,
          `its route ${route.pattern} has parameters: a schedule fires one fixed URL, so it is not armed (move the job to a file without [params])`,
        );
        continue;
      }
      wanted.schedules.set(path, {
        ref,
        expression: header.schedule,
        urlPath,
        timeoutMs: header.timeoutMs,
      });
    }
    return wanted;
  }

  /** Makes the armed set of `execIds` match the disk (or only reports the difference). */
  async function reconcile(execIds: Iterable<string>, dryRun: boolean): Promise<ReloadResult> {
    const result: ReloadResult = { dry_run: dryRun, added: [], kept: [], removed: [] };
    const failed: { path: string; reason: string }[] = [];
    for (const execId of execIds) {
      const wanted = await wantedIn(execId);
      const refusedHere = [...wanted.failed].map(([path, reason]) => ({ path, reason }));
      const armable = new Set<string>();
      for (const [path, want] of wanted.schedules) {
        const current = armed.get(path);
        if (current?.cron.expression === want.expression) {
          armable.add(path);
          result.kept.push(path);
          if (!dryRun) current.timeoutMs = want.timeoutMs;
          continue;
        }
        let cron: CronSchedule;
        try {
          cron = parseCron(want.expression);
        } catch (error) {
          refusedHere.push({ path, reason: (error as Error).message });
          continue;
        }
        armable.add(path);
        result.added.push(path);
        if (!dryRun && !stopped) arm(path, want, cron);
      }
      for (const [path, entry] of armed) {
        if (entry.ref.execId !== execId || armable.has(path)) continue;
        result.removed.push(path);
        if (!dryRun) disarm(path);
      }
      failed.push(...refusedHere);
      if (!dryRun) noteRefused(execId, refusedHere);
    }
    if (failed.length > 0) result.failed = failed;
    return result;
  }

  /** Remembers why an instance's scripts were not armed (trigger says so), warning once per reason. */
  function noteRefused(execId: string, now: { path: string; reason: string }[]) {
    const before = new Map([...refused].filter(([path]) => path.startsWith(`${execId}/`)));
    for (const path of before.keys()) refused.delete(path);
    for (const { path, reason } of now) {
      refused.set(path, reason);
      if (before.get(path) !== reason) log.warn(`schedule not armed: ${path}: ${reason}`);
    }
  }

  function arm(path: string, want: Want, cron: CronSchedule) {
    // A fire still running under the old expression keeps the next one from overlapping it.
    const stillRunning = armed.get(path)?.running ?? null;
    disarm(path);
    const entry: Armed = {
      ref: want.ref,
      cron,
      urlPath: want.urlPath,
      timeoutMs: want.timeoutMs,
      registeredAt: clock.now(),
      nextFire: null,
      cancel: () => {},
      running: stillRunning,
      last: lastFires.get(path) ?? null,
    };
    armed.set(path, entry);
    wait(entry, clock.now());
  }

  function disarm(path: string) {
    armed.get(path)?.cancel();
    armed.delete(path);
  }

  /** Sleeps until the entry's next fire after `after`; a missed fire is not made up for. */
  function wait(entry: Armed, after: number) {
    entry.nextFire = entry.cron.nextAfter(after);
    if (entry.nextFire === null) return;
    const due = entry.nextFire;
    entry.cancel = clock.wakeAt(due, () => {
      if (stopped || armed.get(scriptPathOf(entry.ref)) !== entry) return;
      wait(entry, Math.max(due, clock.now()));
      void fire(entry);
    });
  }

  // ---- the watcher, start and stop ----

  const dirty = new Set<string>();
  let sweeping: Promise<void> | null = null;
  /** Changed instances are looked at one pass at a time; changes during a pass get another. */
  function sweep(): Promise<void> {
    sweeping ??= (async () => {
      await start();
      while (dirty.size > 0 && !stopped) {
        const ids = [...dirty];
        dirty.clear();
        await reconcile(ids, false).catch((error: Error) => {
          log.warn(`schedules: could not re-read ${ids.join(", ")}: ${error.message}`);
        });
      }
      sweeping = null;
    })();
    return sweeping;
  }

  async function instanceIds(): Promise<string[]> {
    const entries = await readdir(options.root, { withFileTypes: true }).catch(() => []);
    const ids = entries.filter((e) => e.isDirectory() && isValidInstanceId(e.name)).map((e) =>
      e.name
    );
    // An instance folder deleted since: its schedules go too.
    for (const entry of armed.values()) {
      if (!ids.includes(entry.ref.execId)) ids.push(entry.ref.execId);
    }
    return ids;
  }

  let ready: Promise<void> | null = null;
  const start = () =>
    ready ??= (async () => {
      const past = await history.read({ limit: Infinity, includeRotated: false });
      for (const line of past.entries.toReversed()) lastFires.set(line.scriptPath, line);
      await reconcile(await instanceIds(), false);
    })().catch((error: Error) => log.warn(`schedules: could not arm from disk: ${error.message}`));

  return {
    start,
    changed(relative) {
      const [execId = ""] = relative.split(/[\\/]/);
      // Before start() nothing is armed: start reads every instance anyway.
      if (!isValidInstanceId(execId) || stopped || ready === null) return;
      dirty.add(execId);
      void sweep();
    },
    rescan() {
      if (stopped || ready === null) return;
      void instanceIds().then((ids) => {
        for (const id of ids) dirty.add(id);
        return sweep();
      });
    },
    async list() {
      await start();
      return [...armed.entries()].map(([path, entry]) => ({
        scriptPath: path,
        scriptRel: entry.ref.file,
        subdomain: "default",
        execId: entry.ref.execId,
        vmCacheKey: `${entry.ref.execId}:${entry.ref.file}`,
        expression: entry.cron.expression,
        timeoutMs: entry.timeoutMs,
        registeredAt: new Date(entry.registeredAt).toISOString(),
        nextFire: entry.nextFire === null ? null : new Date(entry.nextFire).toISOString(),
        lastFireAt: entry.last?.ts ?? null,
        lastFireStatus: entry.last?.status ?? null,
        lastFireRunId: entry.last?.runId ?? null,
      }));
    },
    async reload(dryRun) {
      await start();
      await sweeping;
      return await reconcile(await instanceIds(), dryRun);
    },
    async trigger(ref) {
      await start();
      const path = scriptPathOf(ref);
      const entry = armed.get(path);
      const refusal = refused.get(path);
      if (stopped || !entry) {
        const status = stopped ? "scheduler_not_ready" : refusal ? "incompatible" : "unregistered";
        return {
          triggered: false,
          scriptPath: path,
          runId: "",
          status,
          durationMs: 0,
          error: stopped ? "The server is stopping" : refusal ??
            `${path} has no armed schedule: add // @schedule '<cron>' at its top (the watcher arms it), or call schedules/reload`,
        };
      }
      return await fire(entry);
    },
    history: async (filter) => {
      await start();
      return await history.read(filter);
    },
    stats: () => ({ ...counts, active: armed.size, wrapperActive: running.size }),
    async stop() {
      stopped = true;
      for (const entry of armed.values()) entry.cancel();
      await Promise.allSettled([...running]);
      await history.flush();
    },
  };
}
