/**
 * Where a script's console lines go on the server: the human log (stdout for log/info/debug,
 * stderr for warn/error, tagged `[script executionId]` as before, unless `--quiet`) and the
 * instance's execution log, as far as the script's `@log-level` allows (policy.ts).
 */
import type { ConsoleLine, Unit } from "../protocol/messages.ts";
import { redact } from "../sandbox/console.ts";
import { execLine } from "./format.ts";
import { consoleLogged } from "./policy.ts";
import type { LogWriter } from "./writer.ts";

export interface ConsoleSinkOptions {
  writer: LogWriter;
  quiet: boolean;
  /** The script's own `@token`, redacted from every line it prints (in a request or not). */
  tokenOf?: (unit: Unit) => string | null;
  /** Defaults to the process's streams. */
  out?: (text: string) => void;
  err?: (text: string) => void;
}

export function createConsoleSink(
  options: ConsoleSinkOptions,
): (unit: Unit, lines: readonly ConsoleLine[]) => void {
  const { writer, quiet } = options;
  const out = options.out ?? ((text: string) => void process.stdout.write(text));
  const err = options.err ?? ((text: string) => void process.stderr.write(text));
  return (unit, lines) => {
    let stdout = "";
    let stderr = "";
    const token = options.tokenOf?.(unit);
    for (const line of lines) {
      if (token && line.text.includes(token)) line.text = redact(line.text, [token]);
      if (!quiet) {
        const tag = line.executionId ? `[${line.script} ${line.executionId}]` : `[${line.script}]`;
        const text = `${tag} ${line.text}\n`;
        if (line.level === "warn" || line.level === "error") stderr += text;
        else stdout += text;
      }
      if (consoleLogged(unit.logLevel, line.level)) {
        writer.append(
          unit.instance,
          "execution",
          execLine(line.at, line.level, line.script, line.executionId, line.text),
        );
      }
    }
    if (stdout) out(stdout);
    if (stderr) err(stderr);
  };
}
