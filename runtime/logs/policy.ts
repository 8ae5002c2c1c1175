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
 *
 * The console column is applied in the Worker, where the line is made (protocol/log-line.ts).
 */
import type { LogLevel } from "../directives/spec.ts";

/** `level` null: no script matched (a 404): logged as `standard`. */
export function accessLogged(level: LogLevel | null, status: number): boolean {
  if (level === null) return true;
  if (level === "none") return false;
  return level !== "minimal" || status >= 400;
}

export function headerNamesLogged(level: LogLevel | null): boolean {
  return level === "verbose" || level === "debug";
}
