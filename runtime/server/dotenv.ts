/**
 * The `.env` files of an instance (docs/scripts.md, Environment): a script's `process.env` gets
 * every `.env` from its instance's folder down to its own, a nearer file winning a name. Parsed
 * with the runtime's own `parseEnv` (node:util), the same on Node, Bun and Deno.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";

export type EnvVars = Readonly<Record<string, string>>;

/** The file's name, in any folder of an instance. */
export const DOTENV_FILE = ".env";

export interface DotenvFiles {
  /**
   * The variables of a script in `folder` (relative to the instance, "" at its top), or null when
   * no `.env` applies. The same object until a `.env` of the instance changes.
   */
  forFolder(folder: string): EnvVars | null;
  /** A `.env` appeared, changed or went: every folder's variables are read again. */
  changed(): void;
}

/** A `.env` larger than this is not read (a warning says so): it holds settings, not data. */
const MAX_BYTES = 256 * 1024;

export function createDotenvFiles(instanceDir: string, warn: (line: string) => void): DotenvFiles {
  /** Each folder's own file, parsed; null where it has none. */
  const own = new Map<string, EnvVars | null>();
  /** Each folder's merged variables, as scripts in it get them. */
  const merged = new Map<string, EnvVars | null>();

  const ownOf = (folder: string): EnvVars | null => {
    if (own.has(folder)) return own.get(folder)!;
    const vars = readEnvFile(join(instanceDir, folder, DOTENV_FILE), folder, warn);
    own.set(folder, vars);
    return vars;
  };

  const forFolder = (folder: string): EnvVars | null => {
    if (merged.has(folder)) return merged.get(folder)!;
    const slash = folder.lastIndexOf("/");
    const outer = folder === "" ? null : forFolder(slash < 0 ? "" : folder.slice(0, slash));
    const inner = ownOf(folder);
    const vars = inner && outer ? { ...outer, ...inner } : inner ?? outer;
    merged.set(folder, vars);
    return vars;
  };

  return {
    forFolder,
    changed() {
      own.clear();
      merged.clear();
    },
  };
}

function readEnvFile(path: string, folder: string, warn: (line: string) => void): EnvVars | null {
  const name = folder === "" ? DOTENV_FILE : `${folder}/${DOTENV_FILE}`;
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.byteLength > MAX_BYTES) {
      warn(`${name} is over ${MAX_BYTES / 1024} KiB: not read`);
      return null;
    }
    text = new TextDecoder().decode(bytes);
  } catch (error) {
    const code = (error as { code?: string }).code;
    // No file (or a folder of that name) is the usual case: nothing to say.
    if (code !== "ENOENT" && code !== "EISDIR" && code !== "ENOTDIR") {
      warn(`${name} could not be read: ${(error as Error).message}`);
    }
    return null;
  }
  // A plain object on every runtime (Deno's has no prototype).
  return { ...parseEnv(text) } as Record<string, string>;
}
