/**
 * Where a script's console lines go on the server: the instance's execution log, and the human log
 * (stdout for log/info/debug, stderr for warn/error) unless `--quiet`. The Worker made the lines
 * and applied the script's `@log-level` (protocol/log-line.ts); here they are only appended, with
 * the script's own `@token` redacted.
 */
import type { ConsoleText, Unit } from "../protocol/messages.ts";
import { redact } from "../sandbox/console.ts";
import type { LogWriter } from "./writer.ts";

export interface ConsoleSinkOptions {
  writer: LogWriter;
  /** The script's own `@token`, redacted from every line it prints (in a request or not). */
  tokenOf?: (unit: Unit) => string | null;
  /** Defaults to the process's streams. */
  out?: (text: string) => void;
  err?: (text: string) => void;
}

export function createConsoleSink(
  options: ConsoleSinkOptions,
): (unit: Unit, text: ConsoleText) => void {
  const { writer } = options;
  const out = options.out ?? ((text: string) => void process.stdout.write(text));
  const err = options.err ?? ((text: string) => void process.stderr.write(text));
  return (unit, text) => {
    const token = options.tokenOf?.(unit);
    const clean = (lines: string) =>
      token && lines.includes(token) ? redact(lines, [token]) : lines;
    if (text.file) writer.append(unit.instance, "execution", clean(text.file));
    if (text.out) out(clean(text.out));
    if (text.err) err(clean(text.err));
  };
}
