/**
 * The proxy hooks, durably: `DIR/_hoody/proxy-hooks.json` (docs/proxy-hooks.md), read once at start,
 * changed only through `change()`: serialised, checked against the caller's `If-Match: file:v<N>`
 * (412 when stale), limited (SPEC §24), written atomically, then swapped in for the front to match.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ServerError } from "../errors.ts";
import { writeFileAtomic } from "../fs.ts";
import { type CompiledMatch, compileMatch } from "./hook-match.ts";
import type { Hook, HookFile } from "./hook-record.ts";

export interface HookStore {
  /** The current file (do not mutate it: `change` does). */
  read(): HookFile;
  /** `file:v<N>`: what a write's If-Match must name. */
  etag(): string;
  /** The first hook of `service`, in position order, that takes this request. */
  find(service: string, method: string, path: string, headers: Headers): Hook | null;
  /**
   * Applies `edit` to a copy of the file when `ifMatch` names the current version, then stores it
   * as the next version. `edit` throws a ServerError to refuse; nothing changes then.
   */
  change<T>(ifMatch: string | undefined, edit: (file: HookFile) => T): Promise<T>;
}

export const HOOKS_FILE = "proxy-hooks.json";
/** Per service, and over every service (SPEC §24). */
const MAX_HOOKS_PER_SERVICE = 8;
const MAX_HOOKS_TOTAL = 32;

const EMPTY: HookFile = { file_version: 0, hooks: {} };

export async function createHookStore(root: string): Promise<HookStore> {
  const path = join(root, "_hoody", HOOKS_FILE);
  let file = await readHookFile(path);
  let compiled = compileAll(file);
  let queue: Promise<unknown> = Promise.resolve();
  const etag = () => `file:v${file.file_version}`;

  const apply = async <T>(ifMatch: string | undefined, edit: (next: HookFile) => T) => {
    checkIfMatch(ifMatch, file.file_version, etag());
    const next = structuredClone(file);
    const result = edit(next);
    next.file_version = file.file_version + 1;
    for (const [service, hooks] of Object.entries(next.hooks)) {
      if (hooks.length === 0) delete next.hooks[service];
      hooks.forEach((hook, index) => hook.position = index);
    }
    checkLimits(next);
    mkdirSync(join(root, "_hoody"), { recursive: true });
    await writeFileAtomic(path, JSON.stringify(next, null, 2) + "\n");
    file = next;
    compiled = compileAll(next);
    return result;
  };

  return {
    read: () => file,
    etag,
    find(service, method, path, headers) {
      for (const { hook, match } of compiled.get(service) ?? []) {
        if (match.test(method, path, headers)) return hook;
      }
      return null;
    },
    change(ifMatch, edit) {
      const run = queue.then(() => apply(ifMatch, edit));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

/** The stored file, or an empty one when there is none; a damaged one stops the start, named. */
async function readHookFile(path: string): Promise<HookFile> {
  if (!existsSync(path)) return structuredClone(EMPTY);
  const text = readFileSync(path, "utf8");
  // Loaded only here: its schemas bring zod, ~20 ms of a start that has no hooks to check.
  const { hookFile } = await import("./hook-record.ts");
  let parsed;
  try {
    parsed = hookFile.safeParse(JSON.parse(text));
  } catch (error) {
    throw new Error(`${path} is not JSON: fix it or remove it (no hooks then)`, { cause: error });
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(
      `${path}: ${issue.path.join(".")}: ${issue.message}; fix it or remove it (no hooks then)`,
    );
  }
  return parsed.data;
}

function compileAll(file: HookFile): Map<string, { hook: Hook; match: CompiledMatch }[]> {
  const out = new Map<string, { hook: Hook; match: CompiledMatch }[]>();
  for (const [service, hooks] of Object.entries(file.hooks)) {
    out.set(service, hooks.map((hook) => ({ hook, match: compileMatch(hook.match) })));
  }
  return out;
}

/** `file:v3`, also as a quoted or weak ETag (`"file:v3"`, `W/"file:v3"`); `*` for any version. */
function checkIfMatch(ifMatch: string | undefined, version: number, etag: string): void {
  if (ifMatch === undefined || ifMatch.trim() === "") {
    throw new ServerError(
      "PRECONDITION_REQUIRED",
      `Send If-Match: ${etag} (the version you read, from GET /proxy/hooks; --if-match in the CLI) with every hook change`,
      { details: { etag } },
    );
  }
  const given = ifMatch.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
  if (given === "*") return;
  const named = /^file:v(\d+)$/.exec(given);
  if (!named) {
    throw new ServerError(
      "PRECONDITION_FAILED",
      `If-Match "${ifMatch}" is not a hooks version: send ${etag} (or * for any version)`,
      { details: { etag } },
    );
  }
  if (Number(named[1]) !== version) {
    throw new ServerError(
      "PRECONDITION_FAILED",
      `The hooks changed since version ${
        named[1]
      }: they are at ${etag}; read them again, then retry with If-Match: ${etag}`,
      { details: { etag } },
    );
  }
}

function checkLimits(file: HookFile): void {
  let total = 0;
  for (const [service, hooks] of Object.entries(file.hooks)) {
    total += hooks.length;
    if (hooks.length > MAX_HOOKS_PER_SERVICE) {
      throw new ServerError(
        "CONFLICT",
        `${service} would have ${hooks.length} hooks: at most ${MAX_HOOKS_PER_SERVICE} per service; delete one first`,
      );
    }
  }
  if (total > MAX_HOOKS_TOTAL) {
    throw new ServerError(
      "CONFLICT",
      `There would be ${total} hooks: at most ${MAX_HOOKS_TOTAL} in all; delete one first`,
    );
  }
}
