/** Log files written the way the writer does (runtime/logs/files.ts), for the log API's tests. */
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { logFolder } from "../../runtime/logs/files.ts";

export const REQ_A = "3f2a9c1e-0000-4000-8000-00000000000a";
export const REQ_B = "3f2a9c1e-0000-4000-8000-00000000000b";

/** An execution line as the contract words it. */
export const execLine = (level: string, script: string, id: string, message: string) =>
  `2026-12-03T09:00:00.000Z [${level}] [${script} ${id}] ${message}`;

export const accessLine = (script: string, id: string, path: string) =>
  `2026-12-03T09:00:00.000Z [ACCESS] [${script} ${id}] GET ${path} 200 1.4ms 127.0.0.1`;

export interface LogFolder {
  folder: string;
  write(name: string, lines: string[]): void;
  append(name: string, text: string): void;
}

export function logFolderOf(root: string, execId = "1"): LogFolder {
  const folder = logFolder(root, execId);
  mkdirSync(folder, { recursive: true });
  return {
    folder,
    write: (name, lines) =>
      writeFileSync(join(folder, name), lines.map((line) => `${line}\n`).join("")),
    append: (name, text) => appendFileSync(join(folder, name), text),
  };
}

/** Every file a server wrote under `<root>/_hoody/logs`, as one text ("" before the first). */
export function allLogText(root: string): string {
  const dir = join(root, "_hoody", "logs");
  if (!existsSync(dir)) return "";
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), "utf8"))
    .join("\n");
}
