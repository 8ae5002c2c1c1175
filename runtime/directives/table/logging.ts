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
      "What reaches the log files (_hoody/logs/<instance>/): none = nothing; minimal = access lines of errors (status >= 400) and console warn/error; standard = every access line and console log/info/warn/error; verbose = standard, access lines also list the request's header names; debug = verbose plus console.debug.",
    defaults: {
      when_omitted: "standard",
      runtime: "every access line; console log, info, warn and error",
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
    description: "Add the request body (escaped, truncated to 4 KiB) to the access line as body=….",
    defaults: { when_omitted: false, runtime: "bodies are not logged" },
    examples: ["// @log-request-body true"],
    accepts: BOOLEAN_ACCEPTS,
    schema: boolean,
    fallback: false,
  },
};
