/**
 * Runs `hook` on the `process` object the first time anything touches it, or now where it is
 * already there. Deno builds its node `process` on first touch, and in a fresh Worker that costs
 * 12-15 ms: more than half of a serverless request. A script that never uses `process` never pays;
 * one that does finds it already hooked (the exit notice, the limited `process.env`).
 */
export function onProcess(hook: (proc: typeof process) => void): void {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "process");
  const build = descriptor?.get;
  if (!descriptor || !build) {
    hook(process);
    return;
  }
  let hooked = false;
  Object.defineProperty(globalThis, "process", {
    ...descriptor,
    get() {
      const proc = build.call(globalThis) as typeof process;
      if (!hooked) {
        hooked = true;
        hook(proc);
      }
      return proc;
    },
  });
}
