/** `hoody-exec init [dir]`: a scripts folder with a first endpoint, ready for `serve`. */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const FIRST_ENDPOINT = `// @description Says hello; try /hello?name=you
// @mode serverless
return { hello: metadata.query.name ?? "world" };
`;

export function initScripts(dir: string): { root: string; created: string[]; kept: string[] } {
  const root = resolve(dir);
  const file = join(root, "1", "hello.ts");
  mkdirSync(join(root, "1"), { recursive: true });
  if (existsSync(file)) return { root, created: [], kept: ["1/hello.ts"] };
  writeFileSync(file, FIRST_ENDPOINT, { flag: "wx" });
  return { root, created: ["1/hello.ts"], kept: [] };
}
