/**
 * Per-script request statistics, fed one RequestRecord per answered script request. Recording is
 * a few increments and one sample slot; everything derived (percentiles, sorting) is computed when
 * read. At most `maxScripts` are kept: past that the least recently active is dropped and counted.
 */
import type { RequestRecord } from "../server/exchange.ts";
import { createRates, type Rates } from "./rates.ts";
import { addToSample, newSample, type Sample } from "./samples.ts";

/** Upper bounds of the duration histogram, in ms (the Prometheus `le` labels, in seconds). */
export const BUCKETS_MS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

export interface RecentError {
  timestamp: number;
  statusCode: number;
  message: string;
  executionId: string | null;
}

export interface ScriptStats {
  instance: string;
  /** The script's file below its instance; "" gathers the requests no script answered. */
  script: string;
  total: number;
  /** Status below 400. */
  success: number;
  /** 4xx. */
  clientErrors: number;
  /** 5xx. */
  errors: number;
  /** Counts by status class: index 0 is 1xx … 4 is 5xx. */
  classes: number[];
  /** Count per histogram bucket (not cumulative); past the last bound only `total` counts it. */
  buckets: number[];
  sumMs: number;
  maxMs: number;
  sample: Sample;
  /** The last errors, oldest first. */
  recentErrors: RecentError[];
  firstSeenAt: number;
  lastActivityAt: number;
  /** The status of the last answered request. */
  lastStatus: number;
}

export interface Totals {
  total: number;
  success: number;
  clientErrors: number;
  errors: number;
}

export interface Registry {
  record(record: RequestRecord): void;
  scripts(): ScriptStats[];
  get(instance: string, script: string): ScriptStats | undefined;
  readonly totals: Readonly<Totals>;
  readonly rates: Rates;
  /** Scripts dropped to keep the registry within its bound. */
  readonly droppedScripts: number;
}

export interface RegistryOptions {
  maxScripts?: number;
  sampleSize?: number;
  recentErrors?: number;
}

export function createRegistry(options: RegistryOptions = {}): Registry {
  const maxScripts = options.maxScripts ?? 1000;
  const sampleSize = options.sampleSize ?? 1000;
  const keepErrors = options.recentErrors ?? 10;
  const byInstance = new Map<string, Map<string, ScriptStats>>();
  const totals: Totals = { total: 0, success: 0, clientErrors: 0, errors: 0 };
  const rates = createRates();
  let size = 0;
  let dropped = 0;

  const dropIdlest = () => {
    let idlest: ScriptStats | null = null;
    for (const scripts of byInstance.values()) {
      for (const stats of scripts.values()) {
        if (!idlest || stats.lastActivityAt < idlest.lastActivityAt) idlest = stats;
      }
    }
    if (!idlest) return;
    const scripts = byInstance.get(idlest.instance)!;
    scripts.delete(idlest.script);
    if (scripts.size === 0) byInstance.delete(idlest.instance);
    size -= 1;
    dropped += 1;
  };

  const statsOf = (instance: string, script: string, now: number): ScriptStats => {
    let scripts = byInstance.get(instance);
    const found = scripts?.get(script);
    if (found) return found;
    if (size >= maxScripts) dropIdlest();
    if (!scripts || !byInstance.has(instance)) byInstance.set(instance, scripts = new Map());
    const stats = newStats(instance, script, now);
    scripts.set(script, stats);
    size += 1;
    return stats;
  };

  return {
    record(record) {
      const ms = record.durationMs;
      const now = record.startedAt + ms;
      const stats = statsOf(record.instance, record.script ?? "", now);
      const status = record.status;
      stats.total += 1;
      totals.total += 1;
      if (status >= 500) {
        stats.errors += 1;
        totals.errors += 1;
        const recent = stats.recentErrors;
        if (recent.length >= keepErrors) recent.shift();
        recent.push({
          timestamp: now,
          statusCode: status,
          message: record.error ?? `HTTP ${status}`,
          executionId: record.executionId,
        });
      } else if (status >= 400) {
        stats.clientErrors += 1;
        totals.clientErrors += 1;
      } else {
        stats.success += 1;
        totals.success += 1;
      }
      const klass = Math.min(4, Math.max(0, Math.floor(status / 100) - 1));
      stats.classes[klass] = stats.classes[klass]! + 1;
      for (let i = 0; i < BUCKETS_MS.length; i += 1) {
        if (ms <= BUCKETS_MS[i]!) {
          stats.buckets[i] = stats.buckets[i]! + 1;
          break;
        }
      }
      stats.sumMs += ms;
      if (ms > stats.maxMs) stats.maxMs = ms;
      addToSample(stats.sample, ms, sampleSize);
      stats.lastActivityAt = now;
      stats.lastStatus = status;
      rates.add(now);
    },
    scripts: () => [...byInstance.values()].flatMap((scripts) => [...scripts.values()]),
    get: (instance, script) => byInstance.get(instance)?.get(script),
    totals,
    rates,
    get droppedScripts() {
      return dropped;
    },
  };
}

function newStats(instance: string, script: string, now: number): ScriptStats {
  return {
    instance,
    script,
    total: 0,
    success: 0,
    clientErrors: 0,
    errors: 0,
    classes: [0, 0, 0, 0, 0],
    buckets: BUCKETS_MS.map(() => 0),
    sumMs: 0,
    maxMs: 0,
    sample: newSample(),
    recentErrors: [],
    firstSeenAt: now,
    lastActivityAt: now,
    lastStatus: 0,
  };
}
