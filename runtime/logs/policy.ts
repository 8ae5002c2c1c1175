/**
 * What each `@log-level` sends to the log files (docs/scripts.md keeps this table):
 *
 * | level    | access line                    | console lines               |
 * | -------- | ------------------------------ | --------------------------- |
 * | none     | none                           | none                        |
 * | minimal  | only status >= 400             | warn, error                 |
 * | standard | every request                  | log, info, warn, error      |
 * | verbose  | every request + header names   | log, info, warn, error      |
 * | debug    | every request + header names   | all, debug too              |
 */
import type { LogLevel } from "../directives/spec.ts";
import type { ConsoleLevel } from "../protocol/messages.ts";

const CONSOLE: Record<LogLevel, ReadonlySet<ConsoleLevel>> = {
  none: new Set(),
  minimal: new Set(["warn", "error"]),
  standard: new Set(["log", "info", "warn", "error"]),
  verbose: new Set(["log", "info", "warn", "error"]),
  debug: new Set(["log", "info", "warn", "error", "debug"]),
};

export function consoleLogged(level: LogLevel, line: ConsoleLevel): boolean {
  return CONSOLE[level].has(line);
}

/** `level` null: no script matched (a 404): logged as `standard`. */
export function accessLogged(level: LogLevel | null, status: number): boolean {
  if (level === null) return true;
  if (level === "none") return false;
  return level !== "minimal" || status >= 400;
}

export function headerNamesLogged(level: LogLevel | null): boolean {
  return level === "verbose" || level === "debug";
}
