import type { Bytes, RequestInfo } from "../protocol/messages.ts";
import { splitUrl } from "../protocol/url-parts.ts";

/** What a classic script receives as `req` (SPEC D11). */
export interface ScriptRequest {
  method: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  query: Record<string, string | string[]>;
}

export interface ScriptMetadata {
  executionId: string;
  method: string;
  path: string;
  url: string;
  query: Record<string, string | string[]>;
  parameters: Record<string, string | string[]>;
  clientIp: string;
  headers: Record<string, string>;
  hostname: string;
  execId: string;
  scriptPath: string;
  mode: "worker" | "serverless";
  startedAt: number;
  request: Request;
}

export async function createScriptRequest(
  info: RequestInfo,
  body: Bytes | null,
  mode: "worker" | "serverless",
): Promise<{ req: ScriptRequest; metadata: ScriptMetadata }> {
  // The server sent the absolute URL it routed (never anything splitUrl refuses).
  const { path, search } = splitUrl(info.url) ?? { path: "/", search: "" };
  const headers = Object.fromEntries(info.headers);
  const query = search === "" ? {} : toQuery(new URLSearchParams(search));
  let request: Request | null = null;
  const req: ScriptRequest = {
    method: info.method,
    url: path + search,
    path,
    headers,
    body: await parseBody(headers["content-type"] ?? "", body),
    query,
  };
  const metadata: ScriptMetadata = {
    executionId: info.executionId,
    method: info.method,
    path,
    url: info.url,
    query,
    parameters: info.parameters,
    clientIp: info.clientIp,
    headers,
    hostname: info.hostname,
    execId: info.execId,
    scriptPath: info.scriptPath,
    mode,
    startedAt: info.startedAt,
    // Built on first use: most classic scripts never touch it, and it is a third of the cost.
    get request() {
      request ??= new Request(info.url, {
        method: info.method,
        headers: info.headers,
        body: body && info.method !== "GET" && info.method !== "HEAD" ? body : null,
      });
      return request;
    },
  };
  return { req, metadata };
}

function toQuery(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of params) {
    const seen = query[key];
    query[key] = seen === undefined
      ? value
      : Array.isArray(seen)
      ? [...seen, value]
      : [seen, value];
  }
  return query;
}

const decoder = new TextDecoder();

/** JSON -> value; urlencoded/multipart -> object; text -> string; other -> bytes; empty -> undefined. */
async function parseBody(contentType: string, body: Bytes | null): Promise<unknown> {
  if (!body || body.byteLength === 0) return undefined;
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  if (type === "application/json" || type.endsWith("+json")) {
    const text = decoder.decode(body);
    try {
      return JSON.parse(text);
    } catch {
      // Malformed JSON reaches the script as the text it is, so the script decides how to answer.
      return text;
    }
  }
  if (type === "application/x-www-form-urlencoded") {
    return toQuery(new URLSearchParams(decoder.decode(body)));
  }
  if (type === "multipart/form-data") {
    const form = await new Response(body, { headers: { "content-type": contentType } }).formData();
    const fields: Record<string, unknown> = {};
    for (const [key, value] of form) {
      fields[key] = typeof value === "string" ? value : {
        name: value.name,
        type: value.type,
        size: value.size,
        data: new Uint8Array(await value.arrayBuffer()),
      };
    }
    return fields;
  }
  if (
    type.startsWith("text/") || type === "" || type.endsWith("xml") ||
    type === "application/javascript"
  ) {
    return decoder.decode(body);
  }
  return body;
}
