/**
 * `subdomain` (docs/management.md, Conventions): every management call takes it, in the query or
 * the body. Scripts live in `DIR/{execId}/`, which is the `default` subdomain; until subdomain
 * folders exist, any other value is refused, so that a call never acts on the default instance by
 * mistake.
 */
import { z } from "zod";
import { ServerError } from "../runtime/errors.ts";

export const DEFAULT_SUBDOMAIN = "default";

export const subdomain = z.string().max(256).optional().describe(
  'Subdomain namespace: only "default" (scripts in DIR/{execId}/) is served',
);

/** 400 UNSUPPORTED_SUBDOMAIN for anything but `default` (or nothing, or an empty value). */
export function checkSubdomain(value: unknown): void {
  if (value === undefined || value === "" || value === DEFAULT_SUBDOMAIN) return;
  const shown = JSON.stringify(value)?.slice(0, 80) ?? String(value);
  throw new ServerError(
    "UNSUPPORTED_SUBDOMAIN",
    `subdomain ${shown} is not supported: only "${DEFAULT_SUBDOMAIN}" is (scripts live in DIR/{execId}/)`,
    { details: { field: "subdomain" } },
  );
}
