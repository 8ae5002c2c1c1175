/** The server's one logger: timestamped lines on stderr, so stdout stays free for script output. */
export type Level = "info" | "warn" | "error";

export interface Logger {
  info(message: string): void;
  /**
   * `kind` names lines that repeat under load (a request failure: its path and code): the first of
   * a kind in each second is written, the others are counted into one line when the second ends.
   */
  warn(message: string, kind?: string): void;
  error(message: string, kind?: string): void;
}

const REPEAT_WINDOW_MS = 1000;
/** Kinds told apart in one second; past that, one count for the rest (paths can be made up). */
const MAX_KINDS = 100;
const OTHER_KINDS = "other request failures";

export function createLogger(quiet = false): Logger {
  const write = (level: Level, message: string) => {
    if (quiet && level === "info") return;
    process.stderr.write(`${new Date().toISOString()} [${level.toUpperCase()}] ${message}\n`);
  };
  // Under an overload every shed request fails alike: at 50 connections, ~50 identical warnings
  // a millisecond, unlimited.
  const held = new Map<string, { level: Level; more: number }>();
  let window: ReturnType<typeof setTimeout> | null = null;
  const endWindow = () => {
    window = null;
    for (const [kind, { level, more }] of held) {
      if (more > 0) write(level, `${kind}: ${more} more like it in the last second`);
    }
    held.clear();
  };
  const limited = (level: Level) => (message: string, kind?: string) => {
    if (kind === undefined) return write(level, message);
    const key = held.has(kind) || held.size < MAX_KINDS ? kind : OTHER_KINDS;
    const seen = held.get(key);
    if (seen) {
      seen.more += 1;
      return;
    }
    held.set(key, { level, more: 0 });
    write(level, message);
    if (window === null) {
      window = setTimeout(endWindow, REPEAT_WINDOW_MS);
      (window as { unref?(): void }).unref?.();
    }
  };
  return {
    info: (message) => write("info", message),
    warn: limited("warn"),
    error: limited("error"),
  };
}
