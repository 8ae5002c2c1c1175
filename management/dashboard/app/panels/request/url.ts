/**
 * The request panel's pure helpers: a route pattern filled with its parameters, the URL a
 * request goes to, and how a response body is shown. Pure.
 */

/** One parameter of a route pattern: `:id`, `:slug+` (one or more segments), `:path*` (any). */
export interface PatternParam {
  name: string;
  /** "" one segment, "+" one or more, "*" zero or more. */
  repeat: "" | "+" | "*";
}

const PARAM = /^:([^/+*]+)([+*]?)$/;

/** The parameters of a pattern such as `/docs/:slug+`, in order. */
export function patternParams(pattern: string): PatternParam[] {
  return pattern.split("/").flatMap((segment) => {
    const match = PARAM.exec(segment);
    return match ? [{ name: match[1]!, repeat: match[2] as PatternParam["repeat"] }] : [];
  });
}

/**
 * The pattern with each parameter's value filled in, encoded (`/api/users/:id` + `{id: "a b"}` →
 * `/api/users/a%20b`). A repeated parameter keeps its slashes (`a/b`). An empty value leaves the
 * `:name` in place, so the path shows what is missing, except a `*` one, which may be empty.
 */
export function fillPattern(pattern: string, values: Record<string, string>): string {
  const segments = pattern.split("/").flatMap((segment) => {
    const match = PARAM.exec(segment);
    if (!match) return [segment];
    const [, name = "", repeat] = match;
    const value = (values[name] ?? "").trim();
    if (value === "") return repeat === "*" ? [] : [segment];
    if (repeat === "") return [encodeURIComponent(value)];
    return value.split("/").filter((part) => part !== "").map(encodeURIComponent);
  });
  const path = segments.join("/");
  return path === "" ? "/" : path;
}

/**
 * The same-origin URL a request goes to: `path` (one leading "/"; its own query kept) with
 * the named `query` rows appended. Scripts are served at their bare path, never under the API.
 */
export function requestUrl(path: string, query: readonly (readonly [string, string])[]): string {
  // One leading slash: `//host/x` must stay a path here, never become another origin.
  const url = new URL("http://page.invalid" + path.trim().replace(/^\/*/, "/"));
  for (const [name, value] of query) {
    if (name.trim() !== "") url.searchParams.append(name.trim(), value);
  }
  return url.pathname + url.search;
}

/** How a body is shown: parsed and pretty-printed, as text, or only its size and type. */
export type BodyKind = "json" | "text" | "binary";

/** The kind of a body from its Content-Type (none: text). */
export function bodyKind(contentType: string | null): BodyKind {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json" || type.endsWith("+json")) return "json";
  if (
    type === "" || type.startsWith("text/") || type.includes("json") || type.endsWith("+xml") ||
    ["application/xml", "application/javascript", "application/x-www-form-urlencoded"]
      .includes(type)
  ) {
    return "text";
  }
  return "binary";
}

/** JSON text pretty-printed with two spaces, or the text as it came when it is not JSON. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A byte count for people: 812 B, 4.2 KiB, 3.1 MiB. */
export function sizeOf(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
