/**
 * What a template says about itself: the metadata schema a built-in's `<name>.json` and a custom
 * template's stored metadata both follow, and the shape the API answers with. On the wire `params`
 * is the list of names (the original client's `params: string[]`); `paramDetails` carries each
 * one's description, whether it is required and its default.
 */
import { z } from "zod";

/** A template or parameter name: letters, digits, `.`, `-`, `_`, at most 64, never `..`. */
export const TEMPLATE_NAME = /^(?!.*\.\.)[A-Za-z0-9._-]{1,64}$/;

/** A `{{placeholder}}` name: an identifier. */
export const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const paramSchema = z.object({
  name: z.string().regex(PARAM_NAME, {
    error: "a param name is an identifier (letters, digits, _)",
  }),
  description: z.string().max(1000).default(""),
  required: z.boolean().default(false),
  default: z.string().max(10_000).optional(),
});

export type TemplateParam = z.output<typeof paramSchema>;

/** A built-in's `<name>.json`, field by field; unknown keys are dropped. */
export const metadataFileSchema = z.object({
  name: z.string().regex(TEMPLATE_NAME),
  description: z.string().max(1000),
  category: z.string().min(1).max(64),
  tags: z.array(z.string().max(64)).max(32).default([]),
  version: z.string().max(32).default("1.0.0"),
  author: z.string().max(128).default("hoody-exec"),
  params: z.array(paramSchema).max(64).default([]),
  /** Where `hoody-exec init --template` saves it, below the instance (default `<name>.ts`). */
  outputPath: z.string().min(1).max(512).optional(),
});

export type TemplateMetadata = z.output<typeof metadataFileSchema>;

/** One template as the server holds it. */
export interface Template {
  name: string;
  builtin: boolean;
  metadata: TemplateMetadata;
  code: string;
}

/** The metadata as the API answers it: `params` as names, details beside them. */
export function toWireMetadata(template: Template) {
  const { params, ...rest } = template.metadata;
  return {
    ...rest,
    params: params.map((p) => p.name),
    paramDetails: params,
    builtin: template.builtin,
  };
}
