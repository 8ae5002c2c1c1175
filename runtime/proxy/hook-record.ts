/**
 * A proxy hook record (SPEC §24; docs/proxy-hooks.md): its zod schema, shared by the management API
 * (inputs) and the store (the file read at start, when there is one), and its timeout's limits.
 */
import { z } from "zod";

/** A hook's `timeout` in ms: 1..30000 (the client's types), 5000 when omitted. */
export const MAX_HOOK_TIMEOUT_MS = 30_000;
export const DEFAULT_HOOK_TIMEOUT_MS = 5_000;

const METHOD = /^(?:\*|[A-Za-z]{1,20})$/;
const methodName = z.string().regex(METHOD, {
  error: "a method is an HTTP method name such as GET, or *",
});

/** Which requests a hook takes; an absent field matches every request. */
export const hookMatch = z.strictObject({
  method: z.union([methodName, z.array(methodName).min(1).max(16)]).optional().describe(
    "GET, or [GET, POST], or * (default: any method)",
  ),
  path: z.string().min(1).max(512).refine(isPathPattern, {
    error: "path must be a URLPattern pathname starting with / (/api/*, /users/:id)",
  }).optional().describe("A URLPattern pathname: /api/*, /users/:id (default: any path)"),
  headers: z.record(
    z.string().min(1).max(128).regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, {
      error: "a header name is a token such as x-debug",
    }),
    z.string().max(1024),
  ).refine((h) => Object.keys(h).length <= 16, { error: "at most 16 headers" }).optional()
    .describe('Header name -> exact value, or "*" for any value (default: no condition)'),
});

/** The script a hook runs: a file below an instance, as scripts/write names it. */
export const hookScript = z.strictObject({
  subdomain: z.string().max(256).optional().describe('Only "default" is served'),
  execId: z.string().regex(/^[A-Za-z0-9_]{1,256}$/, {
    error: "execId is an instance id: [A-Za-z0-9_]+",
  }).optional().describe("Instance of the script (default: the server's default instance)"),
  path: z.string().min(1).max(512).refine(isScriptFile, {
    error: "script.path names a .ts or .js file below the instance, e.g. _hooks/log.ts",
  }).describe("The script's file below its instance, e.g. hooks/log.ts"),
});

export const hookTimeout = z.number().int().min(1).max(MAX_HOOK_TIMEOUT_MS).describe(
  `ms the hook's script may take before 504 (1..${MAX_HOOK_TIMEOUT_MS}, default ${DEFAULT_HOOK_TIMEOUT_MS})`,
);

export const appliesTo = z.strictObject({
  groups: z.array(z.string().min(1).max(128)).max(32).optional(),
}).describe("Kept for the platform's clients; hoody-exec has no user groups and ignores it");

export const hookRecord = z.strictObject({
  id: z.string().regex(/^[0-9a-z]{26}$/),
  position: z.number().int().min(0),
  match: hookMatch,
  script: hookScript,
  timeout: hookTimeout,
  applies_to: appliesTo.optional(),
});

export type Hook = z.infer<typeof hookRecord>;
export type HookMatch = z.infer<typeof hookMatch>;

/** The stored file: every service's hooks in position order, and its version. */
export const hookFile = z.strictObject({
  file_version: z.number().int().min(0),
  hooks: z.record(z.string(), z.array(hookRecord)),
});
export type HookFile = z.infer<typeof hookFile>;

/** A relative path to a script file that stays inside its instance. */
function isScriptFile(path: string): boolean {
  const segments = path.split("/");
  return /\.(?:[mc]?[jt]s|[jt]sx)$/.test(path) && !path.startsWith("/") && !path.includes("\\") &&
    !segments.some((s) => s === ".." || s === "" || s === ".");
}

function isPathPattern(path: string): boolean {
  if (!path.startsWith("/")) return false;
  try {
    new URLPattern({ pathname: path });
    return true;
  } catch {
    // Not a pattern URLPattern accepts: the refinement's message says what is.
    return false;
  }
}
