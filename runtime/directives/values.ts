/** The value parsers directives share: zod schemas from plain strings (table/*.ts use them). */
import { z } from "zod";
import { isValidCron } from "../schedule/cron.ts";
import { type Cors, hasControlCharacter, MAX_CONCURRENT } from "./spec.ts";

/** Wraps a plain parser (`undefined` = not accepted) so every directive exposes a zod schema. */
export function parsed<T>(parse: (raw: string) => T | undefined): z.ZodType<T, string> {
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
export const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;
// RFC 9110 token characters.
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Z-]+$/;
const CRON_FIELD = /^[0-9A-Za-z*/,?#-]+$/;
export const CRON_NICKNAMES = [
  "@yearly",
  "@annually",
  "@monthly",
  "@weekly",
  "@daily",
  "@midnight",
  "@hourly",
];
export const DEFAULT_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

export const boolean = z.stringbool({ truthy: ["true"], falsy: ["false"] });
export const choice = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.string().toLowerCase().pipe(z.enum(values));
export const integer = (min: number, max: number) =>
  z.string().regex(DIGITS).transform(Number).pipe(z.number().int().min(min).max(max));
export const secret = z.string().min(1).refine((s) => !hasControlCharacter(s, false));
export const text = (max: number) => z.string().min(1).max(max);
const splitList = (raw: string) => raw.split(/[\s,]+/).filter((item) => item !== "");

export function toTimeout(raw: string): number | undefined {
  if (raw.toLowerCase() === "unlimited") return 0;
  return DIGITS.test(raw) ? Number(raw) : undefined;
}

export function toConcurrent(raw: string): number | boolean | undefined {
  const word = raw.toLowerCase();
  if (word === "true" || word === "false") return word === "true";
  const n = DIGITS.test(raw) ? Number(raw) : 0;
  return n >= 1 && n <= MAX_CONCURRENT ? n : undefined;
}

export function toCors(raw: string): Cors | undefined {
  const word = raw.toLowerCase();
  if (word === "none") return { kind: "none" };
  if (word === "reflective") return { kind: "reflective" };
  if (raw === "*") return { kind: "any" };
  // Only scheme://host[:port]: a path, query or trailing slash never matches an Origin header.
  if (!/^https?:\/\/[^/?#@\s\\]+$/i.test(raw)) return undefined;
  const url = URL.parse(raw);
  return url && url.hostname !== "" ? { kind: "origin", origin: url.origin } : undefined;
}

export function toMethods(raw: string): string[] | undefined {
  const methods = [...new Set(splitList(raw).map((m) => m.toUpperCase()))];
  const ok = methods.length > 0 && methods.length <= 32 && methods.every((m) => METHOD.test(m));
  return ok ? methods : undefined;
}

export function toTags(raw: string): string[] | undefined {
  const tags = [...new Set(splitList(raw))];
  return tags.length > 0 && tags.length <= 32 && tags.every((t) => t.length <= 64)
    ? tags
    : undefined;
}

export function toSchedule(raw: string): string | undefined {
  const expression = raw.trim().replace(/\s+/g, " ");
  const nickname = expression.toLowerCase();
  if (CRON_NICKNAMES.includes(nickname)) return nickname;
  const fields = expression.split(" ");
  const shaped = fields.length === 5 && fields.every((f) => CRON_FIELD.test(f));
  // Beyond the shape, croner (the scheduler's parser) must accept it: `99 * * * *` is refused here.
  return shaped && isValidCron(expression) ? expression : undefined;
}

export const BOOLEAN_ACCEPTS = '"true" or "false"';
