/**
 * The scheduler's clock: what time it is and a wake-up at a moment. The real one uses the
 * runtime's timers (never keeping the process alive); tests hand serve() one they move by hand.
 */

export interface ScheduleClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `wake` at `at` (epoch ms) or soon after; the returned function cancels it. */
  wakeAt(at: number, wake: () => void): () => void;
}

/** setTimeout's longest delay (about 24.8 days): a later wake-up is reached in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export const realClock: ScheduleClock = {
  now: () => Date.now(),
  wakeAt(at, wake) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      const delay = at - Date.now();
      if (delay <= 0) {
        wake();
        return;
      }
      // Back to arm() rather than straight to wake(): a timer may fire a little early.
      timer = setTimeout(arm, Math.min(delay, MAX_DELAY_MS));
      (timer as { unref?: () => void }).unref?.();
    };
    arm();
    return () => clearTimeout(timer);
  },
};
