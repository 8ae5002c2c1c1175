/** Magic comments about what is logged (category "logging"). */
import type { DirectiveSpec } from "../spec.ts";
import { boolean, BOOLEAN_ACCEPTS, choice } from "../values.ts";

export const LOGGING_DIRECTIVES: { [K in "logLevel" | "logRequestBody"]: DirectiveSpec<K> } = {
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
};
