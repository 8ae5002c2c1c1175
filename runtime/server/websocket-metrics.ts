/** WebSocket counts per script and in total, kept in memory for monitoring. */
export interface SocketCounts {
  opened: number;
  closed: number;
  active: number;
  /** Closed with 1000 (normal), 1001 (going away) or no code (1005). */
  normalCloses: number;
  /** Any other code: 1006 (dropped), 1009 (too big), 1012 (script restarted)… */
  abnormalCloses: number;
  meanSessionMs: number;
  maxSessionMs: number;
}

export interface SocketMetrics {
  opened(script: string): void;
  closed(script: string, code: number, sessionMs: number): void;
  /** A snapshot: the totals, and each script's counts by "instance:path". */
  read(): { total: SocketCounts; scripts: Record<string, SocketCounts> };
}

const NORMAL = new Set([1000, 1001, 1005]);

export function createSocketMetrics(): SocketMetrics {
  const scripts = new Map<string, SocketCounts>();
  const total = zero();
  const of = (script: string) => {
    let counts = scripts.get(script);
    if (!counts) scripts.set(script, counts = zero());
    return counts;
  };
  const close = (counts: SocketCounts, code: number, sessionMs: number) => {
    counts.closed += 1;
    counts.active -= 1;
    if (NORMAL.has(code)) counts.normalCloses += 1;
    else counts.abnormalCloses += 1;
    counts.meanSessionMs += (sessionMs - counts.meanSessionMs) / counts.closed;
    counts.maxSessionMs = Math.max(counts.maxSessionMs, sessionMs);
  };
  return {
    opened(script) {
      for (const counts of [total, of(script)]) {
        counts.opened += 1;
        counts.active += 1;
      }
    },
    closed(script, code, sessionMs) {
      for (const counts of [total, of(script)]) close(counts, code, sessionMs);
    },
    read() {
      const round = (c: SocketCounts) => ({ ...c, meanSessionMs: Math.round(c.meanSessionMs) });
      return {
        total: round(total),
        scripts: Object.fromEntries([...scripts].map(([name, c]) => [name, round(c)])),
      };
    },
  };
}

function zero(): SocketCounts {
  return {
    opened: 0,
    closed: 0,
    active: 0,
    normalCloses: 0,
    abnormalCloses: 0,
    meanSessionMs: 0,
    maxSessionMs: 0,
  };
}
