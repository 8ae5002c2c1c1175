/**
 * Requests over the last 1, 5 and 15 minutes: one counter per second in a ring of 15 minutes.
 * Recording is an index and an increment; a second that passes clears its slot first.
 */
export interface Rates {
  /** One request, answered at `nowMs`. */
  add(nowMs: number): void;
  /** Request counts in the last 1, 5 and 15 minutes, and the mean per second over the last minute. */
  read(nowMs: number): { perSecond: number; per1m: number; per5m: number; per15m: number };
}

const SLOTS = 900;

export function createRates(): Rates {
  const slots = new Uint32Array(SLOTS);
  let current = -1;
  /** Moves the ring to second `now`, clearing the seconds passed without a request. */
  const advance = (now: number) => {
    if (now <= current) return;
    if (current < 0 || now - current >= SLOTS) slots.fill(0);
    else for (let s = current + 1; s <= now; s += 1) slots[s % SLOTS] = 0;
    current = now;
  };
  const sum = (seconds: number) => {
    let total = 0;
    for (let i = 0; i < seconds; i += 1) total += slots[(current - i + SLOTS * 2) % SLOTS]!;
    return total;
  };
  return {
    add(nowMs) {
      const now = Math.floor(nowMs / 1000);
      advance(now);
      // A request that started before a later one and ended in a past second counts there.
      const at = now < current ? Math.max(now, current - SLOTS + 1) : current;
      slots[at % SLOTS] = slots[at % SLOTS]! + 1;
    },
    read(nowMs) {
      advance(Math.floor(nowMs / 1000));
      if (current < 0) return { perSecond: 0, per1m: 0, per5m: 0, per15m: 0 };
      const per1m = sum(60);
      return {
        perSecond: Math.round((per1m / 60) * 100) / 100,
        per1m,
        per5m: sum(300),
        per15m: sum(SLOTS),
      };
    },
  };
}
