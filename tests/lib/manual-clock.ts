/**
 * A scheduler clock a test moves by hand (serve()'s `scheduleClock`): `advance` wakes every
 * wake-up that has come due, in time order, so a cron's fires are reached without waiting.
 */
import type { ScheduleClock } from "../../runtime/schedule/clock.ts";

export interface ManualClock extends ScheduleClock {
  /** Sets the time to `iso` and wakes what is due by then. */
  advance(iso: string): void;
  /** The wake-ups still waiting, as ISO times. */
  pending(): string[];
}

export function manualClock(startIso: string): ManualClock {
  let now = Date.parse(startIso);
  const waiting = new Set<{ at: number; wake: () => void }>();
  return {
    now: () => now,
    wakeAt(at, wake) {
      const entry = { at, wake };
      waiting.add(entry);
      return () => void waiting.delete(entry);
    },
    advance(iso) {
      const to = Date.parse(iso);
      // A woken scheduler sets its next wake-up: take the earliest due one, one at a time.
      for (let guard = 0; guard < 10_000; guard++) {
        const due = [...waiting].filter((w) => w.at <= to).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        waiting.delete(due);
        now = due.at;
        due.wake();
      }
      now = to;
    },
    pending: () => [...waiting].map((w) => new Date(w.at).toISOString()).sort(),
  };
}
