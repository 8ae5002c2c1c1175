/**
 * The table of every magic comment: how its value is parsed (a zod schema) and how it is
 * documented (key, category, type, values, range, defaults, description). The parser and
 * `GET /magic-comments/schema` (document.ts) both read it.
 */
import { z } from "zod";
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

/** Wraps a plain parser (`undefined` = not accepted) so every directive exposes a zod schema. */
function parsed<T>(parse: (raw: string) => T | undefined): z.ZodType<T, string> {
  return z.string().transform((raw, ctx) => {
    const value = parse(raw);
    if (value === undefined) {
      ctx.addIssue("value not accepted");
      return z.NEVER;
    }
    return value;
  }) as z.ZodType<T, string>;
}

const DIGITS = /^\d+$/;
const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
// RFC 9110 token characters.
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Z-]+$/;
const CRON_FIELD = /^[0-9A-Za-z*/,?#-]+$/;
const CRON_NICKNAMES = [
  "@yearly",
  "@annually",
  "@monthly",
  "@weekly",
  "@daily",
  "@midnight",
  "@hourly",
];
const DEFAULT_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

const boolean = z.stringbool({ truthy: ["true"], falsy: ["false"] });
const choice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.string().toLowerCase().pipe(z.enum(values));
const integer = (min: number, max: number) =>
  z.string().regex(DIGITS).transform(Number).pipe(z.number().int().min(min).max(max));
const secret = z.string().min(1).refine((s) => !hasControlCharacter(s, false));
const text = (max: number) => z.string().min(1).max(max);
const splitList = (raw: string) => raw.split(/[\s,]+/).filter((item) => item !== "");

function toTimeout(raw: string): number | undefined {
  if (raw.toLowerCase() === "unlimited") return 0;
  return DIGITS.test(raw) ? Number(raw) : undefined;
}

function toConcurrent(raw: string): number | boolean | undefined {
  const word = raw.toLowerCase();
  if (word === "true" || word === "false") return word === "true";
  const n = DIGITS.test(raw) ? Number(raw) : 0;
  return n >= 1 && n <= MAX_CONCURRENT ? n : undefined;
}

function toCors(raw: string): Cors | undefined {
  const word = raw.toLowerCase();
  if (word === "none") return { kind: "none" };
  if (word === "reflective") return { kind: "reflective" };
  if (raw === "*") return { kind: "any" };
  // Only scheme://host[:port]: a path, query or trailing slash never matches an Origin header.
  if (!/^https?:\/\/[^/?#@\s\\]+$/i.test(raw)) return undefined;
  const url = URL.parse(raw);
  return url && url.hostname !== "" ? { kind: "origin", origin: url.origin } : undefined;
}

function toMethods(raw: string): string[] | undefined {
  const methods = [...new Set(splitList(raw).map((m) => m.toUpperCase()))];
  const ok = methods.length > 0 && methods.length <= 32 && methods.every((m) => METHOD.test(m));
  return ok ? methods : undefined;
}

function toTags(raw: string): string[] | undefined {
  const tags = [...new Set(splitList(raw))];
  return tags.length > 0 && tags.length <= 32 && tags.every((t) => t.length <= 64)
    ? tags
    : undefined;
}

function toSchedule(raw: string): string | undefined {
  const expression = raw.trim().replace(/\s+/g, " ");
  const nickname = expression.toLowerCase();
  if (CRON_NICKNAMES.includes(nickname)) return nickname;
  const fields = expression.split(" ");
  return fields.length === 5 && fields.every((f) => CRON_FIELD.test(f)) ? expression : undefined;
}

const BOOLEAN_ACCEPTS = '"true" or "false"';

/** One entry per field of `Directives`, in the order the schema document lists them. */
const TABLE: { [K in keyof Directives]: DirectiveSpec<K> } = {
  mode: {
    key: "mode",
    directive: "@mode",
    category: "execution",
    type: "enum",
    enum_values: ["worker", "serverless"],
    description:
      "Execution mode: serverless runs each request in a fresh Worker; worker keeps one long-lived Worker.",
    defaults: { when_omitted: "serverless", runtime: "one ephemeral Worker per request" },
    examples: ["// @mode worker"],
    accepts: '"worker" or "serverless"',
    schema: choice(["worker", "serverless"]),
    fallback: "serverless",
  },
  enabled: {
    key: "enabled",
    directive: "@enabled",
    category: "execution",
    type: "boolean",
    description: "A disabled script answers 503 SCRIPT_DISABLED.",
    defaults: { when_omitted: true, runtime: "the script runs" },
    examples: ["// @enabled false"],
    notes: "A bare `// @enabled` means true.",
    accepts: BOOLEAN_ACCEPTS,
    schema: boolean,
    fallback: true,
  },
  timeout: {
    key: "timeout",
    directive: "@timeout",
    category: "execution",
    type: "integer",
    accepts_keywords: ["unlimited"],
    range: { min: 0, max: MAX_TIMEOUT_MS },
    description: "Request deadline in milliseconds; 0 or unlimited means no deadline of its own.",
    defaults: { when_omitted: 3_600_000, runtime: "504 SCRIPT_TIMEOUT after 1 h" },
    examples: ["// @timeout 30000", "// @timeout unlimited"],
    notes: "Values above 86400000 (24 h) are capped with a warning.",
    accepts: 'a non-negative integer of milliseconds, 0 or "unlimited"',
    schema: parsed(toTimeout),
    fallback: 3_600_000,
    clamp: true,
  },
  awaitPromises: {
    key: "awaitPromises",
    directive: "@await-promises",
    category: "execution",
    type: "boolean",
    description: "Await a promise returned by the script before building the response.",
    defaults: { when_omitted: true, runtime: "the returned promise is awaited" },
    examples: ["// @await-promises false"],
    accepts: BOOLEAN_ACCEPTS,
    schema: boolean,
    fallback: true,
  },
  concurrent: {
    key: "concurrent",
    directive: "@concurrent",
    category: "execution",
    type: "integer",
    accepts_keywords: ["true", "false"],
    range: { min: 1, max: MAX_CONCURRENT },
    description:
      "Concurrency cap per script, in both modes: N running at most, true for no cap, false for one at a time.",
    defaults: { when_omitted: true, runtime: "no cap; extra requests queue only when capped" },
    examples: ["// @concurrent 5", "// @concurrent false"],
    notes:
      "Requests over the cap wait in a bounded queue (--queue-limit); a full queue answers 429 QUEUE_FULL, a wait past @timeout 503 QUEUE_TIMEOUT.",
    accepts:
      `a positive integer up to ${MAX_CONCURRENT}, "true" for no cap or "false" for one at a time`,
    schema: parsed(toConcurrent),
    fallback: true,
  },
  token: {
    key: "token",
    directive: "@token",
    category: "execution",
    type: "string",
    description:
      "Shared secret required as Bearer, Basic password, X-Token header or ?token=; otherwise 401.",
    defaults: { when_omitted: null, runtime: "no authentication" },
    examples: ["// @token change-me"],
    notes: "Checked before any Worker starts. Redacted by magic-comments/read.",
    accepts: "a non-empty secret without control characters",
    schema: secret,
    fallback: null,
    secret: true,
  },
  websocket: {
    key: "websocket",
    directive: "@websocket",
    category: "execution",
    type: "boolean",
    description: "Accept WebSocket upgrades on this route.",
    defaults: { when_omitted: false, runtime: "upgrade requests are not accepted" },
    examples: ["// @websocket true"],
    notes: "Needs @mode worker; ignored with a warning in serverless mode.",
    accepts: BOOLEAN_ACCEPTS,
    schema: boolean,
    fallback: false,
  },
  schedule: {
    key: "schedule",
    directive: "@schedule",
    category: "execution",
    type: "string",
    description: "A cron schedule (UTC); reserved: parsed and validated, no effect yet.",
    defaults: { when_omitted: null, runtime: "not scheduled" },
    examples: ["// @schedule '0 * * * *'", "// @schedule @daily"],
    notes: "Only the shape is checked: no scheduler runs scripts yet.",
    accepts: `a 5-field cron expression (minute hour day month weekday) or one of ${
      CRON_NICKNAMES.join(", ")
    }`,
    schema: parsed(toSchedule),
    fallback: null,
  },
  cors: {
    key: "cors",
    directive: "@cors",
    category: "cors",
    type: "string",
    accepts_keywords: ["none", "*", "reflective"],
    description:
      "Origin policy: none sends no CORS headers, * allows any, reflective mirrors a valid Origin, a URL pins one origin.",
    defaults: { when_omitted: "none", runtime: "no CORS headers" },
    examples: ["// @cors *", "// @cors https://app.example.com"],
    notes: "An origin is http(s)://host[:port] without path or trailing slash.",
    accepts:
      '"none", "*", "reflective" or one origin such as https://app.example.com (http or https, no path)',
    schema: parsed(toCors),
    fallback: { kind: "none" },
  },
  corsCredentials: {
    key: "corsCredentials",
    directive: "@cors-credentials",
    category: "cors",
    type: "boolean",
    description: "Send Access-Control-Allow-Credentials: true.",
    defaults: { when_omitted: false, runtime: "credentials not allowed" },
    examples: ["// @cors-credentials true"],
    notes: "Ignored with a warning together with @cors *.",
    accepts: BOOLEAN_ACCEPTS,
    schema: boolean,
    fallback: false,
  },
  corsMethods: {
    key: "corsMethods",
    directive: "@cors-methods",
    category: "cors",
    type: "list",
    description: "Methods listed in Access-Control-Allow-Methods.",
    defaults: {
      when_omitted: DEFAULT_METHODS.join(","),
      runtime: "GET, POST, PUT, PATCH, DELETE, OPTIONS",
    },
    examples: ["// @cors-methods GET,POST"],
    notes: "Comma or space separated; upper-cased; at most 32.",
    accepts: "a comma- or space-separated list of HTTP methods such as GET,POST",
    schema: parsed(toMethods),
    fallback: DEFAULT_METHODS,
  },
  logLevel: {
    key: "logLevel",
    directive: "@log-level",
    category: "logging",
    type: "enum",
    enum_values: ["none", "minimal", "standard", "verbose", "debug"],
    description:
      "How much of each request and execution is logged; reserved: parsed and validated, no effect yet.",
    defaults: {
      when_omitted: "standard",
      runtime: "the script's console output; access lines only with hoody-exec dev",
    },
    examples: ["// @log-level debug"],
    accepts: "one of none, minimal, standard, verbose, debug",
    schema: choice(["none", "minimal", "standard", "verbose", "debug"]),
    fallback: "standard",
  },
  logRequestBody: {
    key: "logRequestBody",
    directive: "@log-request-body",
    category: "logging",
    type: "boolean",
    description:
      "Include request bodies in the log; reserved: parsed and validated, no effect yet.",
    defaults: { when_omitted: false, runtime: "bodies are not logged" },
    examples: ["// @log-request-body true"],
    accepts: BOOLEAN_ACCEPTS,
    schema: boolean,
    fallback: false,
  },
  ai: {
    key: "ai",
    directive: "@ai",
    category: "ai",
    type: "boolean",
    description: "AI helpers for the script; reserved: parsed and validated, no effect yet.",
    defaults: { when_omitted: false, runtime: "no AI helpers" },
    examples: ["// @ai true"],
    accepts: BOOLEAN_ACCEPTS,
    schema: boolean,
    fallback: false,
  },
  aiModel: {
    key: "aiModel",
    directive: "@ai-model",
    category: "ai",
    type: "string",
    description:
      "Model id for the AI helpers, usually provider/model; reserved: parsed and validated, no effect yet.",
    defaults: { when_omitted: null, runtime: "no model" },
    examples: ["// @ai-model openai/gpt-4o"],
    accepts: "a model id without spaces such as provider/model (at most 256 characters)",
    schema: z.string().max(256).regex(/^\S+$/),
    fallback: null,
  },
  aiTemperature: {
    key: "aiTemperature",
    directive: "@ai-temperature",
    category: "ai",
    type: "number",
    range: { min: 0, max: 2 },
    description:
      "Sampling temperature for the AI helpers; reserved: parsed and validated, no effect yet.",
    defaults: { when_omitted: null, runtime: "not set" },
    examples: ["// @ai-temperature 0.2"],
    accepts: "a number from 0 to 2",
    schema: z.string().regex(DECIMAL).transform(Number).pipe(z.number().min(0).max(2)),
    fallback: null,
  },
  aiMaxTokens: {
    key: "aiMaxTokens",
    directive: "@ai-max-tokens",
    category: "ai",
    type: "integer",
    range: { min: 1, max: MAX_AI_TOKENS },
    description:
      "Upper bound on tokens the AI helpers generate; reserved: parsed and validated, no effect yet.",
    defaults: { when_omitted: null, runtime: "not set" },
    examples: ["// @ai-max-tokens 1024"],
    accepts: `a positive integer up to ${MAX_AI_TOKENS}`,
    schema: integer(1, MAX_AI_TOKENS),
    fallback: null,
  },
  aiKey: {
    key: "aiKey",
    directive: "@ai-key",
    category: "ai",
    type: "string",
    description:
      "Gateway key or usage tag for the AI helpers; reserved: parsed and validated, no effect yet.",
    defaults: { when_omitted: null, runtime: "no key" },
    examples: ["// @ai-key sk-..."],
    notes: "Redacted by magic-comments/read.",
    accepts: "a non-empty key without control characters",
    schema: secret,
    fallback: null,
    secret: true,
  },
  description: {
    key: "description",
    directive: "@description",
    category: "metadata",
    type: "string",
    description:
      "What the endpoint does; returned with the magic comments by scripts/list and magic-comments/read.",
    defaults: { when_omitted: null, runtime: "none" },
    examples: ["// @description Returns the current user"],
    accepts: "text of at most 1000 characters",
    schema: text(1000),
    fallback: null,
  },
  label: {
    key: "label",
    directive: "@label",
    category: "metadata",
    type: "string",
    description: "Display name of the endpoint; scripts/list can filter on it.",
    defaults: { when_omitted: null, runtime: "no label" },
    examples: ["// @label Current user"],
    accepts: "text of at most 200 characters",
    schema: text(200),
    fallback: null,
  },
  tags: {
    key: "tags",
    directive: "@tags",
    category: "metadata",
    type: "list",
    description: "Tags for the endpoint; scripts/list can filter on them.",
    defaults: { when_omitted: null, runtime: "no tags" },
    examples: ["// @tags users, admin"],
    notes: "Comma or space separated; duplicates dropped.",
    accepts: "a comma- or space-separated list of at most 32 tags of at most 64 characters",
    schema: parsed(toTags),
    fallback: [],
  },
};

export const DIRECTIVE_SPECS: readonly DirectiveSpec[] = Object.values(TABLE);

const BY_NAME = new Map<string, DirectiveSpec>(
  DIRECTIVE_SPECS.map((spec) => [spec.directive.slice(1), spec]),
);

/** The spec for a directive name written without `@` (case-sensitive), if there is one. */
export function getDirectiveSpec(name: string): DirectiveSpec | undefined {
  return BY_NAME.get(name);
}
