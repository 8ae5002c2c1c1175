/**
 * A stray error in a timer or an unhandled rejection is logged (tagged with its request where the
 * runtime still knows it) and kept from closing the Worker: a long-lived Worker keeps serving its
 * other requests and its globals. Deno honours preventDefault() on the standard events; Bun ignores
 * it on a Worker's own events but honours node's process events (and its `process` costs nothing
 * to touch, where Deno's costs a fresh Worker 12-15 ms: see lazy-process.ts).
 */
export function catchStrays(): void {
  addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    console.error("uncaught rejection:", event.reason);
  });
  addEventListener("error", (event) => {
    event.preventDefault();
    console.error("uncaught error:", event.error);
  });
  if ("Bun" in globalThis) {
    process.on("unhandledRejection", (reason) => console.error("uncaught rejection:", reason));
    process.on("uncaughtException", (error) => console.error("uncaught error:", error));
  }
}
