/** Magic comments about how the script is described (category "metadata"). */
import type { DirectiveSpec } from "../spec.ts";
import { parsed, text, toTags } from "../values.ts";

export const METADATA_DIRECTIVES: { [K in "description" | "label" | "tags"]: DirectiveSpec<K> } = {
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
