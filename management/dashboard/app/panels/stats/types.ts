/** The shapes the Stats panel reads from `monitor/stats`, `monitor/scripts` and `monitor/active-requests`. */

export interface ServerStats {
  uptime: number;
  memory: { used: number; total: number; percentage: number; rss: number; external: number };
  requests: {
    total: number;
    success: number;
    errors: number;
    clientErrors: number;
    activeHttp: number;
    perSecond: number;
    per1m: number;
  };
  websocket: {
    opened: number;
    closed: number;
    normalCloses: number;
    abnormalCloses: number;
    active: number;
  };
  cron: { fires: number; errors: number; active: number };
  restarts: number;
  queues: { execId: string; scriptPath: string; running: number; waiting: number }[];
  hosts: { pid: number; mode: string; rss: number | null }[];
  sharedStore: { mode: string; [key: string]: unknown };
}

export interface RecentError {
  timestamp: string;
  statusCode: number;
  message: string;
  executionId: string;
}

export interface ScriptStats {
  scriptPath: string;
  execId: string;
  activeHttp: number;
  activeWs: number;
  http: {
    total: number;
    errors: number;
    clientErrors: number;
    p50DurationMs: number;
    p95DurationMs: number;
    maxDurationMs: number;
  };
  recentErrors: RecentError[];
  lastActivityAt: string;
  lastStatusCode: number;
}

export interface ActiveRequest {
  executionId: string;
  execId: string;
  scriptPath: string;
  method: string;
  url: string;
  startedAt: string;
  duration: number;
}

/** One poll's answers, scoped to the instance the switcher shows (server-wide figures kept whole). */
export interface Snapshot {
  at: number;
  stats: ServerStats;
  scripts: ScriptStats[];
  active: ActiveRequest[];
}
