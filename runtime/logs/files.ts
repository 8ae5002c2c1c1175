/** Log file names: `<kind>-YYYY-MM-DD-NNN.log`, one folder per instance. */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";

export type LogKind = "exec" | "access";

export interface LogFile {
  name: string;
  kind: LogKind;
  day: string;
  number: number;
  size: number;
  mtimeMs: number;
}

const NAME = /^(exec|access)-(\d{4}-\d{2}-\d{2})-(\d{3,})\.log$/;

export function fileName(kind: LogKind, day: string, number: number): string {
  return `${kind}-${day}-${String(number).padStart(3, "0")}.log`;
}

/** The UTC day of an epoch ms, `YYYY-MM-DD`. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The log files of one instance folder (none if it does not exist), oldest first. */
export async function listLogFiles(dir: string): Promise<LogFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const files: LogFile[] = [];
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m) continue;
    try {
      const s = await stat(join(dir, name));
      files.push({
        name,
        kind: m[1] as LogKind,
        day: m[2]!,
        number: Number(m[3]),
        size: s.size,
        mtimeMs: s.mtimeMs,
      });
    } catch {
      // deleted meanwhile
    }
  }
  return files.sort((a, b) =>
    a.day.localeCompare(b.day) || a.number - b.number || a.mtimeMs - b.mtimeMs
  );
}

/** UTF-8 length of a string without encoding it. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 2; // a pair: 4 bytes for 2 units
      i++;
    } else bytes += 2;
  }
  return bytes;
}
