/** The server's one logger: timestamped lines on stderr, so stdout stays free for script output. */
export type Level = "info" | "warn" | "error";

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function createLogger(quiet = false): Logger {
  const write = (level: Level) => (message: string) => {
    if (quiet && level === "info") return;
    process.stderr.write(`${new Date().toISOString()} [${level.toUpperCase()}] ${message}\n`);
  };
  return { info: write("info"), warn: write("warn"), error: write("error") };
}
