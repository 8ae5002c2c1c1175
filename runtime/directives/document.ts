/**
 * The document `GET /magic-comments/schema` serves, in the shape the original client's types
 * declare (`MagicCommentSchemaDocument`): plain JSON built from the directive table.
 */
import { DIRECTIVE_SPECS } from "./table.ts";
import {
  DIRECTIVE_CATEGORIES,
  type DirectiveCategory,
  type DirectiveSpec,
  type DirectiveType,
  type JsonScalar,
  PARSE_WINDOW_LINES,
} from "./spec.ts";

/** Bumped when a field of this document changes meaning. */
export const MAGIC_COMMENT_SCHEMA_VERSION = "1.1";

export interface MagicCommentDefaults {
  /** The value written as the directive would be, when the directive is absent. */
  when_omitted: JsonScalar;
  /** What the runtime does then, in words. */
  runtime: string;
  /** What an imported SDK script gets: hoody-exec imports none, so the same as `when_omitted`. */
  sdk_import: JsonScalar;
}

export interface MagicCommentField {
  key: string;
  directive: string;
  category: DirectiveCategory;
  type: DirectiveType;
  enum_values?: string[];
  accepts_keywords?: string[];
  range?: { min: number; max: number };
  description: string;
  defaults: MagicCommentDefaults;
  examples?: string[];
  notes?: string[];
}

export interface MagicCommentSchemaDocument {
  schema_version: string;
  total_fields: number;
  parse_window_lines: number;
  unknown_keys_behavior: "warn_and_ignore";
  defaults_context: { when_omitted: string; runtime: string; sdk_import: string };
  source_of_truth: {
    interface: string;
    parser: string;
    runtime_defaults: string;
    sdk_import_defaults: string;
  };
  /** Each category's field keys, in table order. */
  categories: Record<DirectiveCategory, string[]>;
  fields: MagicCommentField[];
}

function toField(spec: DirectiveSpec): MagicCommentField {
  const field: MagicCommentField = {
    key: spec.key,
    directive: spec.directive,
    category: spec.category,
    type: spec.type,
    description: spec.description,
    defaults: { ...spec.defaults, sdk_import: spec.defaults.when_omitted },
  };
  if (spec.enum_values) field.enum_values = [...spec.enum_values];
  if (spec.accepts_keywords) field.accepts_keywords = [...spec.accepts_keywords];
  if (spec.range) field.range = { ...spec.range };
  if (spec.examples) field.examples = [...spec.examples];
  if (spec.notes) field.notes = [spec.notes];
  return field;
}

function categories(): Record<DirectiveCategory, string[]> {
  const out = Object.fromEntries(DIRECTIVE_CATEGORIES.map((c) => [c, [] as string[]]));
  for (const spec of DIRECTIVE_SPECS) out[spec.category]!.push(spec.key);
  return out as Record<DirectiveCategory, string[]>;
}

export const MAGIC_COMMENT_SCHEMA: MagicCommentSchemaDocument = {
  schema_version: MAGIC_COMMENT_SCHEMA_VERSION,
  total_fields: DIRECTIVE_SPECS.length,
  parse_window_lines: PARSE_WINDOW_LINES,
  unknown_keys_behavior: "warn_and_ignore",
  defaults_context: {
    when_omitted: "the value a script has when the directive is absent, written as the directive",
    runtime: "what the runtime then does",
    sdk_import:
      "the value an imported SDK script gets; hoody-exec imports no SDKs, so it equals when_omitted",
  },
  source_of_truth: {
    interface: "runtime/directives/spec.ts (Directives)",
    parser: "runtime/directives/parse.ts (parseDirectives)",
    runtime_defaults: "runtime/directives/table/*.ts (the directive table)",
    sdk_import_defaults: "runtime/directives/table/*.ts (same as the runtime defaults)",
  },
  categories: categories(),
  fields: DIRECTIVE_SPECS.map(toField),
};
