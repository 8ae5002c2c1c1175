import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A throw-away scripts root: `files` maps paths under the root (e.g. "1/hello.ts") to contents. */
export interface ScriptsDir extends AsyncDisposable {
  root: string;
  write(path: string, content: string): void;
  remove(path: string): void;
}

export function tmpScripts(files: Record<string, string>): ScriptsDir {
  const root = mkdtempSync(join(tmpdir(), "hoody-exec-test-"));
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  for (const [path, content] of Object.entries(files)) write(path, content);
  return {
    root,
    write,
    remove: (path) => rmSync(join(root, path), { recursive: true, force: true }),
    [Symbol.asyncDispose]: () => Promise.resolve(rmSync(root, { recursive: true, force: true })),
  };
}
