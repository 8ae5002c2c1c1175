/** The only runtime-specific surface: everything else in hoody-exec is web-standard. */
export interface ServeOptions {
  hostname: string;
  port: number;
  maxRequestBodySize: number;
  fetch(request: Request, clientIp: string): Response | Promise<Response>;
}

export interface RunningServer {
  readonly port: number;
  stop(): Promise<void>;
}

export interface Adapter {
  readonly name: "bun" | "deno";
  /** Whether `worker.terminate()` stops a Worker busy in a synchronous loop (Bun: yes; Deno: no). */
  readonly terminateStopsLoops: boolean;
  serve(options: ServeOptions): Promise<RunningServer>;
  /** Command and arguments that run a TypeScript entry file in a new process of this runtime. */
  command(entry: string): { exec: string; args: string[] };
  /**
   * Options for a new Worker. Serverless Workers get the least the runtime can grant: on Deno
   * no environment (but a few harmless names), writes only under the scripts root, no
   * subprocesses, FFI or system info; Bun has no per-Worker permissions.
   */
  workerOptions(kind: "worker" | "serverless", scriptsRoot: string): WorkerOptions;
  /** Calls `onChange` with a path relative to `dir` whenever something below it changes. */
  watch(dir: string, onChange: (relative: string) => void): () => void;
}
