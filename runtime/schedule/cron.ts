/**
 * A `@schedule` expression -> its fire times, in UTC, computed by croner (five-field cron or a
 * nickname such as `@hourly`). Pure: croner is only asked for dates, it never runs a timer here.
 */
import { Cron } from "croner";

/** A parsed expression: the next fire strictly after a moment, or null when it never fires again. */
export interface CronSchedule {
  readonly expression: string;
  nextAfter(moment: number): number | null;
}

/** Parses `expression` (already normalised by the directive parser); throws croner's message when it is invalid. */
export function parseCron(expression: string): CronSchedule {
  const cron = new Cron(expression, { timezone: "UTC", paused: true });
  return {
    expression,
    nextAfter(moment) {
      return cron.nextRun(new Date(moment))?.getTime() ?? null;
    },
  };
}

/** Whether croner accepts `expression` (the directive parser's check beyond the shape). */
export function isValidCron(expression: string): boolean {
  try {
    parseCron(expression);
    return true;
  } catch {
    return false;
  }
}
