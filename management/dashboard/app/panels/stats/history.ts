/**
 * The Stats panel's memory of past polls: one point per poll of `monitor/scripts`, kept for about
 * ten minutes, and the rates drawn from it (requests and 5xx per second from successive `http.total`
 * and `http.errors` differences, and each poll's p95).
 */
import type { ScriptStats } from "./types.ts";

/** How far back the charts reach. */
export const WINDOW_MS = 10 * 60 * 1000;
/** A bound on points whatever the clock does (ten minutes of 2 s polls, and some). */
const MAX_POINTS = 400;
/** Two polls further apart than this (the tab was hidden) leave a gap, not a long average. */
const MAX_GAP_MS = 10_000;

interface Counts {
  total: number;
  errors: number;
  p95: number;
}

interface Point {
  at: number;
  all: Counts;
  scripts: Map<string, Counts>;
}

/** What a chart draws: times in seconds, one value (or a gap) per time and series. */
export interface Series {
  times: number[];
  values: (number | null)[][];
}

/** `(now - before) / seconds`, or a gap when there is no before, a reset, or a long pause. */
function rate(now: number | undefined, before: number | undefined, seconds: number) {
  if (now === undefined || before === undefined || now < before || seconds <= 0) return null;
  return Math.round(((now - before) / seconds) * 100) / 100;
}

export class History {
  private points: Point[] = [];

  /** Forgets everything (another instance was picked). */
  clear(): void {
    this.points = [];
  }

  get size(): number {
    return this.points.length;
  }

  /** Records one poll of the instance's scripts. */
  add(at: number, scripts: readonly ScriptStats[]): void {
    const map = new Map<string, Counts>();
    const all: Counts = { total: 0, errors: 0, p95: 0 };
    for (const s of scripts) {
      map.set(s.scriptPath, {
        total: s.http.total,
        errors: s.http.errors,
        p95: s.http.p95DurationMs,
      });
      all.total += s.http.total;
      all.errors += s.http.errors;
    }
    this.points.push({ at, all, scripts: map });
    const oldest = at - WINDOW_MS;
    while (this.points.length > MAX_POINTS || (this.points[0] && this.points[0].at < oldest)) {
      this.points.shift();
    }
  }

  /** Requests in the window per script, most first: what "top by traffic" charts. */
  busiest(count: number): string[] {
    const first = this.points[0];
    const last = this.points.at(-1);
    if (!first || !last) return [];
    return [...last.scripts.entries()]
      .map(([script, c]) => ({
        script,
        recent: c.total - (first.scripts.get(script)?.total ?? 0),
        total: c.total,
      }))
      .sort((a, b) => b.recent - a.recent || b.total - a.total)
      .slice(0, count)
      .map((entry) => entry.script);
  }

  /**
   * One of `requests`, `errors` (both per second) or `p95` (ms), for the whole instance (`null`
   * in `scripts`, p95 has none) and each script named.
   */
  series(kind: "requests" | "errors" | "p95", scripts: readonly (string | null)[]): Series {
    const times = this.points.map((p) => Math.round(p.at / 1000));
    const values = scripts.map((script) =>
      this.points.map((point, i) => {
        const counts = script === null ? point.all : point.scripts.get(script);
        if (kind === "p95") return counts && counts.total > 0 ? counts.p95 : null;
        const previous = this.points[i - 1];
        if (!previous || point.at - previous.at > MAX_GAP_MS) return null;
        // A script first seen since the last poll had no requests before it.
        const before = script === null ? previous.all : previous.scripts.get(script) ??
          { total: 0, errors: 0, p95: 0 };
        const field = kind === "requests" ? "total" : "errors";
        return rate(counts?.[field], before[field], (point.at - previous.at) / 1000);
      })
    );
    return { times, values };
  }
}
