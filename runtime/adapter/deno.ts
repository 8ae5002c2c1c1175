import { relative } from "node:path";
import type { Adapter, RunningServer, ServeOptions } from "./types.ts";

interface DenoServer {
  finished: Promise<void>;
  shutdown(): Promise<void>;
}
interface DenoGlobal {
  serve(
    options: { hostname: string; port: number; onListen(addr: { port: number }): void },
    handler: (
      request: Request,
      info: { remoteAddr: { hostname: string } },
    ) => Response | Promise<Response>,
  ): DenoServer;
  watchFs(
    path: string,
    options: { recursive: boolean },
  ): AsyncIterable<{ paths: string[] }> & { close(): void };
  execPath(): string;
}

const Deno = (globalThis as unknown as { Deno: DenoGlobal }).Deno;

export const denoAdapter: Adapter = {
  name: "deno",
  terminateStopsLoops: false,
  serve(options: ServeOptions): Promise<RunningServer> {
    return new Promise((resolve) => {
      const server = Deno.serve(
        {
          hostname: options.hostname,
          port: options.port,
          onListen: ({ port }) => resolve({ port, stop: () => server.shutdown() }),
        },
        (request, info) => options.fetch(request, info.remoteAddr.hostname),
      );
    });
  },
  workerOptions(kind, scriptsRoot) {
    if (kind === "worker") return { type: "module" };
    // Packages commonly read these; any other variable throws NotCapable.
    const env = ["NODE_ENV", "NODE_DEBUG", "TZ", "LANG", "DEBUG"];
    const permissions = {
      env,
      read: true,
      write: [scriptsRoot],
      net: true,
      run: false,
      ffi: false,
      sys: false,
    };
    return { type: "module", deno: { permissions } } as WorkerOptions;
  },
  command(entry) {
    // The project's deno.json resolves npm packages from node_modules, whatever the cwd is.
    const config = new URL("../../deno.json", import.meta.url).pathname;
    return {
      exec: Deno.execPath(),
      args: ["run", "-A", "--unstable-worker-options", "--no-check", "--config", config, entry],
    };
  },
  watch(dir, onChange) {
    const watcher = Deno.watchFs(dir, { recursive: true });
    (async () => {
      for await (const event of watcher) {
        for (const path of event.paths) onChange(relative(dir, path));
      }
    })().catch(() => {}); // the iterator ends with an error once closed
    return () => watcher.close();
  },
};
