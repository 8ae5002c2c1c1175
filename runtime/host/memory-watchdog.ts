import { readFileSync } from "node:fs";
import type { Host } from "./hosts.ts";

const POLL_MS = 200;

/**
 * No runtime caps a Worker's memory (Bun ignores resourceLimits; Deno aborts the whole process),
 * so the cap is per host process: one over `memoryMb` resident is killed, and its requests say
 * why. A runaway costs its own host, never the server. Returns the function that stops watching.
 */
export function watchMemory(
  hosts: () => readonly Host[],
  memoryMb: number,
  log: (line: string) => void,
): () => void {
  if (memoryMb <= 0) return () => {};
  const timer = setInterval(() => {
    for (const host of hosts()) {
      const rss = residentMb(host.pid);
      if (rss === null || rss <= memoryMb || host.killedFor) continue;
      host.killedFor = `its host process used ${rss} MiB, over --memory-mb ${memoryMb}`;
      log(`killing worker host ${host.pid}: ${host.killedFor}`);
      host.kill();
    }
  }, POLL_MS);
  timer.unref?.();
  return () => clearInterval(timer);
}

/** Resident memory of a process in MiB, from /proc (Linux); null where that is not available. */
function residentMb(pid: number): number | null {
  const bytes = residentBytes(pid);
  return bytes === null ? null : Math.round(bytes / 1024 / 1024);
}

/** Resident memory of a process in bytes, from /proc (Linux); null where that is not available. */
export function residentBytes(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kib = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kib ? Number(kib) * 1024 : null;
  } catch {
    return null;
  }
}
