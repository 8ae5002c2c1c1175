/**
 * What a magic comment is: the \`Directives\` every script resolves to, the shape of one directive's
 * entry in the table (how its value parses, how it is documented) and the limits values keep to.
 */
import type { z } from "zod";
import type { Mode } from "../protocol/messages.ts";

export type Cors =
  | { kind: "none" }
  | { kind: "any" }
  | { kind: "reflective" }
  | { kind: "origin"; origin: string };
export type LogLevel = "none" | "minimal" | "standard" | "verbose" | "debug";

export interface Directives {
  mode: Mode;
  enabled: boolean;
  /** Milliseconds; 0 = no deadline of the script's own. */
  timeout: number;
  awaitPromises: boolean;
  /** N running at most, true = no cap, false = one at a time. */
  concurrent: number | true | false;
  cors: Cors;
  corsCredentials: boolean;
  corsMethods: string[];
  token: string | null;
  websocket: boolean;
  logLevel: LogLevel;
  logRequestBody: boolean;
  ai: boolean;
  aiModel: string | null;
  aiTemperature: number | null;
  aiMaxTokens: number | null;
  aiKey: string | null;
  /** 5-field cron or @nickname, shape-checked only. */
  schedule: string | null;
  description: string | null;
  label: string | null;
  tags: string[];
}

/** How many leading lines of a script are scanned for magic comments. */
export const PARSE_WINDOW_LINES = 50;
/** Longest value any directive takes; longer ones are rejected before parsing. */
export const MAX_VALUE_LENGTH = 4096;
export const MAX_TIMEOUT_MS = 86_400_000;
export const MAX_CONCURRENT = 10_000;
export const MAX_AI_TOKENS = 1_000_000;

export const DIRECTIVE_CATEGORIES = ["execution", "logging", "cors", "ai", "metadata"] as const;
export type DirectiveCategory = (typeof DIRECTIVE_CATEGORIES)[number];
export type DirectiveType = "boolean" | "integer" | "number" | "string" | "enum" | "list";
export type JsonScalar = string | number | boolean | null;

export interface DirectiveSpec<K extends keyof Directives = keyof Directives> {
  /** The field of `Directives` this directive sets. */
  key: K;
  directive: `@${string}`;
  category: DirectiveCategory;
  type: DirectiveType;
  enum_values?: readonly string[];
  accepts_keywords?: readonly string[];
  range?: { min: number; max: number };
  description: string;
  /** `when_omitted` is written as the directive's own value would be (`"none"`, 3600000). */
  defaults: { when_omitted: JsonScalar; runtime: string };
  examples?: readonly string[];
  notes?: string;
  /** Completes "@x must be …" in warnings. */
  accepts: string;
  schema: z.ZodType<Directives[K], string>;
  fallback: Directives[K];
  /** Values above `range.max` are lowered to it with a warning instead of rejected. */
  clamp?: true;
  /** Never echoed in warnings; the read API redacts it. */
  secret?: true;
}

/**
 * True when `value` holds a C0 control character, DEL or U+2028/U+2029. Those end a line in
 * JavaScript or break an HTTP header (CR, LF, NUL); TAB passes only when `allowTab`.
 */
export function hasControlCharacter(value: string, allowTab: boolean): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && !(allowTab && c === 0x09)) || c === 0x7f || c === 0x2028 || c === 0x2029) {
      return true;
    }
  }
  return false;
}
