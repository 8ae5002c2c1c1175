/** Magic comments about cross-origin requests (category "cors"). */
import type { DirectiveSpec } from "../spec.ts";
import { boolean, BOOLEAN_ACCEPTS, DEFAULT_METHODS, parsed, toCors, toMethods } from "../values.ts";

export const CORS_DIRECTIVES: {
  [K in "cors" | "corsCredentials" | "corsMethods"]: DirectiveSpec<K>;
} = {
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
};
