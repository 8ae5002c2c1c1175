import { watch } from "node:fs";
import type { Adapter, RunningServer, ServeOptions } from "./types.ts";

interface BunServer {
  port: number;
  stop(closeActive?: boolean): Promise<void>;
  requestIP(request: Request): { address: string } | null;
}
interface BunGlobal {
  serve(options: {
    hostname: string;
    port: number;
    maxRequestBodySize: number;
    idleTimeout: number;
    fetch(request: Request, server: BunServer): Response | Promise<Response>;
  }): BunServer;
}

const Bun = (globalThis as unknown as { Bun: BunGlobal }).Bun;

export const bunAdapter: Adapter = {
  name: "bun",
  terminateStopsLoops: true,
  serve(options: ServeOptions): Promise<RunningServer> {
    const server = Bun.serve({
      hostname: options.hostname,
      port: options.port,
      // Slack above our own limit, so the front's counted read answers a JSON 413 before Bun cuts in.
      maxRequestBodySize: options.maxRequestBodySize + 65_536,
      idleTimeout: 0,
      fetch: (request, srv) => options.fetch(request, srv.requestIP(request)?.address ?? ""),
    });
    return Promise.resolve({ port: server.port, stop: () => server.stop(true) });
  },
  workerOptions() {
    // The host's environment is already scrubbed; Bun has nothing finer to offer.
    return { type: "module" };
  },
  command(entry) {
    return { exec: process.execPath, args: [entry] };
  },
  watch(dir, onChange) {
    const watcher = watch(dir, { recursive: true }, (_event, file) => onChange(String(file ?? "")));
    return () => watcher.close();
  },
};
