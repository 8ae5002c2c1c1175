/** What the scheduler answers the schedules API with (management/endpoints/schedules.ts). */
import type { FireStatus } from "./history.ts";

/** `schedules/list`: one armed script. */
export interface ScheduleView {
  scriptPath: string;
  scriptRel: string;
  subdomain: string;
  execId: string;
  vmCacheKey: string;
  expression: string;
  timeoutMs: number;
  registeredAt: string;
  nextFire: string | null;
  lastFireAt: string | null;
  lastFireStatus: FireStatus | null;
  lastFireRunId: string | null;
}

export interface ReloadResult {
  dry_run: boolean;
  /** Newly armed, or re-armed with a changed expression. */
  added: string[];
  kept: string[];
  removed: string[];
  failed?: { path: string; reason: string }[];
}

export type TriggerStatus =
  | FireStatus
  | "stale_generation"
  | "unregistered"
  | "scheduler_not_ready";

export interface TriggerResult {
  triggered: boolean;
  scriptPath: string;
  runId: string;
  status: TriggerStatus;
  durationMs: number;
  error?: string;
  /** The script's answer: parsed JSON when it is JSON, else its text (the first 1,000 characters). */
  data?: unknown;
}
