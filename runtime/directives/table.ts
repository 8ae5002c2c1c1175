/**
 * The table of every magic comment: one entry per field of `Directives`, grouped by category in
 * table/*.ts. The parser (parse.ts) and `GET /magic-comments/schema` (document.ts) both read it.
 */
import type { Directives, DirectiveSpec } from "./spec.ts";
import { EXECUTION_DIRECTIVES } from "./table/execution.ts";
import { CORS_DIRECTIVES } from "./table/cors.ts";
import { LOGGING_DIRECTIVES } from "./table/logging.ts";
import { AI_DIRECTIVES } from "./table/ai.ts";
import { METADATA_DIRECTIVES } from "./table/metadata.ts";

/** In the order the schema document lists them; the type makes sure no field is left out. */
const TABLE: { [K in keyof Directives]: DirectiveSpec<K> } = {
  ...EXECUTION_DIRECTIVES,
  ...CORS_DIRECTIVES,
  ...LOGGING_DIRECTIVES,
  ...AI_DIRECTIVES,
  ...METADATA_DIRECTIVES,
};

export const DIRECTIVE_SPECS: readonly DirectiveSpec[] = Object.values(TABLE);

const BY_NAME = new Map<string, DirectiveSpec>(
  DIRECTIVE_SPECS.map((spec) => [spec.directive.slice(1), spec]),
);

/** The spec for a directive name written without `@` (case-sensitive), if there is one. */
export function getDirectiveSpec(name: string): DirectiveSpec | undefined {
  return BY_NAME.get(name);
}
