/**
 * Magic-comment changes (docs/management.md, Magic comments): read from either input form, planned,
 * secrets redacted. Pure.
 */
import { z } from "zod";
import { parseDirectives, parseDirectiveValue } from "../runtime/directives/parse.ts";
import { validationError } from "../runtime/errors.ts";
import { type CommentChanges, findSpec, rewriteHeader } from "./comment-header.ts";

const MAX_BLOCK_BYTES = 16 * 1024;
const REDACTED = "[redacted]";

/** Present directives with secret values (`@token`, `@ai-key`) replaced. */
export function redactPresent(present: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(present)) {
    out[name] = findSpec(name)?.secret ? REDACTED : value;
  }
  return out;
}

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const comments = z.union([z.record(z.string(), scalar), z.string()]).describe(
  'Directives to set: {"mode": "worker", "timeout": 5000} (null removes one) or a "// @mode worker" (or "@mode worker") text block',
);

/** Either form of `comments` -> checked changes; a bad name or value is a 400 naming it. */
export function parseChanges(input: Record<string, unknown> | string): CommentChanges {
  const entries: [string, unknown][] = [];
  if (typeof input === "string") {
    if (new TextEncoder().encode(input).length > MAX_BLOCK_BYTES) {
      throw validationError(
        "comments",
        `The comment block must be at most ${MAX_BLOCK_BYTES} bytes`,
      );
    }
    for (const raw of input.split("\n")) {
      const line = raw.replace(/\r$/, "");
      if (line.trim() === "") continue;
      // "// @mode worker", or "@mode worker" as the original CLI's examples write it.
      const match = /^\s*(?:\/\/\s*)?@(\S+)(.*)$/.exec(line);
      if (!match) {
        throw validationError(
          "comments",
          `Every line of comments must read "// @name value" or "@name value" (got ${
            JSON.stringify(line.slice(0, 80))
          })`,
        );
      }
      entries.push([match[1]!, match[2]!.trim()]);
    }
  } else entries.push(...Object.entries(input));
  if (entries.length === 0) throw validationError("comments", "comments object is required");
  const changes: CommentChanges = new Map();
  for (const [name, value] of entries) {
    const spec = findSpec(name);
    if (!spec) {
      throw validationError(`comments.${name}`, `Unknown directive @${name.replace(/^@/, "")}`);
    }
    const bare = spec.directive.slice(1);
    if (value === null) {
      changes.set(bare, null);
      continue;
    }
    const written = String(value);
    const result = parseDirectiveValue(spec, written);
    if (!result.ok) throw validationError(`comments.${bare}`, result.warning.message);
    changes.set(bare, written.trim());
  }
  return changes;
}

export interface Plan {
  file: string;
  current: Record<string, string>;
  proposed: Record<string, string>;
  /** One line per directive that changes: `@mode: serverless -> worker`. */
  changes: string[];
  source: string;
}

export function plan(file: string, source: string, changes: CommentChanges): Plan {
  const before = parseDirectives(source).present;
  const next = rewriteHeader(source, changes);
  const after = parseDirectives(next).present;
  for (const [name, value] of changes) {
    if ((after[name] ?? null) !== (value === null ? null : value.replace(/^(["'])(.*)\1$/, "$2"))) {
      throw validationError(
        `comments.${name}`,
        `@${name} could not be placed inside the first lines of the header that are read`,
      );
    }
  }
  const shown = (name: string, value: string | undefined) =>
    value === undefined ? "(none)" : findSpec(name)?.secret ? REDACTED : value;
  return {
    file,
    current: redactPresent(before),
    proposed: redactPresent(after),
    changes: [...changes.keys()].filter((n) => before[n] !== after[n]).map((n) =>
      `@${n}: ${shown(n, before[n])} -> ${shown(n, after[n])}`
    ),
    source: next,
  };
}
