/**
 * A route's path in the spellings the server meets, converted through path-to-regexp's token form
 * (so every name it would refuse is refused here too):
 *
 *   bracket file path      api/users/[id].ts     docs/[...slug].ts     pages/[[...path]].ts
 *   URLPattern pathname    /api/users/:id        /docs/:slug+          /pages/:path*
 *   path-to-regexp         /api/users/:id        /docs/*slug           /pages{/*path}
 *   OpenAPI path template  /api/users/{id}       /docs/{slug}          /pages/{path}
 *
 * OpenAPI has no parameter spanning several segments, nor an optional path segment: a catch-all
 * becomes one `{name}` parameter and `kind` says what it really is, for the description.
 */
import { parse, PathError, stringify, type Token, type TokenData } from "path-to-regexp";
import { parseRouteFile, type RouteSegment } from "./pattern.ts";

export type PathParamKind = "dynamic" | "catchall" | "optional-catchall";

export interface OpenApiPath {
  /** `/api/users/{id}`. */
  template: string;
  params: { name: string; kind: PathParamKind }[];
}

/** Route segments as path-to-regexp tokens. */
export function segmentTokens(segments: readonly RouteSegment[]): TokenData {
  const tokens: Token[] = [];
  for (const segment of segments) {
    switch (segment.kind) {
      case "static":
        tokens.push({ type: "text", value: `/${segment.value}` });
        break;
      case "dynamic":
        tokens.push({ type: "text", value: "/" }, { type: "param", name: segment.name });
        break;
      case "catchall":
        tokens.push({ type: "text", value: "/" }, { type: "wildcard", name: segment.name });
        break;
      case "optional-catchall":
        tokens.push({
          type: "group",
          tokens: [{ type: "text", value: "/" }, { type: "wildcard", name: segment.name }],
        });
        break;
    }
  }
  return { tokens: tokens.length === 0 ? [{ type: "text", value: "/" }] : tokens };
}

/** A bracket file path in path-to-regexp syntax (`/docs/*slug`); null when it is not a route. */
export function pathToRegexpOf(file: string): string | null {
  const parsed = parseRouteFile(file);
  return parsed === null ? null : stringify(segmentTokens(parsed.segments));
}

/** A bracket file path as an OpenAPI path template; null when the file is not a route. */
export function openApiPathOf(file: string): OpenApiPath | null {
  const parsed = parseRouteFile(file);
  if (parsed === null) return null;
  const params: OpenApiPath["params"] = [];
  let template = "";
  const emit = (tokens: readonly Token[], optional: boolean) => {
    for (const token of tokens) {
      if (token.type === "text") template += token.value;
      else if (token.type === "group") emit(token.tokens, true);
      else {
        template += `{${token.name}}`;
        const kind = token.type === "param"
          ? "dynamic"
          : optional
          ? "optional-catchall"
          : "catchall";
        params.push({ name: token.name, kind });
      }
    }
  };
  emit(segmentTokens(parsed.segments).tokens, false);
  return { template, params };
}

/** Thrown for an OpenAPI path that has no bracket spelling; the message says why. */
export class PathTemplateError extends Error {}

// Characters path-to-regexp reads as syntax in plain text.
const SYNTAX = /[\\(){}[\]?+!*:]/g;

/**
 * An OpenAPI path template as a bracket file path without extension: `/pets/{petId}` ->
 * `pets/[petId]`, `/` -> `index`. A parameter must fill its whole segment.
 */
export function bracketPathOf(template: string): string {
  if (!template.startsWith("/")) throw new PathTemplateError(`${template}: must start with /`);
  // {name} -> a quoted path-to-regexp parameter; every other syntax character is escaped.
  let source = "";
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf("{");
    const text = open < 0 ? rest : rest.slice(0, open);
    if (/[[\]]/.test(text)) {
      throw new PathTemplateError(`${template}: [ and ] name parameters here`);
    }
    source += text.replace(SYNTAX, (c) => `\\${c}`);
    if (open < 0) break;
    const close = rest.indexOf("}", open);
    if (close < 0) throw new PathTemplateError(`${template}: unclosed {`);
    source += `:${JSON.stringify(rest.slice(open + 1, close))}`;
    rest = rest.slice(close + 1);
  }
  let tokens: readonly Token[];
  try {
    tokens = parse(source).tokens;
  } catch (error) {
    if (error instanceof PathError) throw new PathTemplateError(`${template}: ${error.message}`);
    throw error;
  }
  const segments: string[] = [];
  let current: string | null = null;
  for (const token of tokens) {
    if (token.type === "text") {
      const parts = token.value.split("/");
      current = (current ?? "") + parts[0];
      for (const part of parts.slice(1)) {
        if (current !== "") segments.push(current);
        current = part;
      }
    } else if (token.type === "param" && current === "") {
      current = `[${token.name}]`;
    } else {
      throw new PathTemplateError(`${template}: a parameter must be a whole path segment`);
    }
    if (current !== null && /^\[.*\]./.test(current)) {
      throw new PathTemplateError(`${template}: a parameter must be a whole path segment`);
    }
  }
  if (current) segments.push(current);
  for (const segment of segments) {
    if (segment === "." || segment === ".." || /^[_.]/.test(segment)) {
      throw new PathTemplateError(`${template}: "${segment}" cannot be a path segment here`);
    }
  }
  return segments.length === 0 ? "index" : segments.join("/");
}
