import type { Bytes, RequestInfo } from "../protocol/messages.ts";
import type { HoodyHook, HoodyMetadata, HoodyRequest } from "../../types/script.d.ts";
import { createHook } from "./hook.ts";
import { splitUrl } from "../protocol/url-parts.ts";

/** `req` (docs/scripts.md, `req`): the name the sandbox's call arguments (invoke.ts) use for it. */
export type ScriptRequest = HoodyRequest;

/**
 * The request's metadata a script receives (docs/scripts.md, `metadata`). A class: its `request` is
 * built on first read (most classic scripts never touch it, and it is a third of the cost), from a
 * getter the instances share rather than a closure per request.
 */
export class ScriptMetadata implements HoodyMetadata {
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
  /** Only in a proxy hook's run (docs/proxy-hooks.md). */
  hook?: HoodyHook;
  #info: RequestInfo;
  #body: Bytes | null;
  #request: Request | null = null;

  constructor(
    info: RequestInfo,
    body: Bytes | null,
    mode: "worker" | "serverless",
    parts: {
      path: string;
      query: Record<string, string | string[]>;
      headers: Record<string, string>;
    },
  ) {
    this.executionId = info.executionId;
    this.method = info.method;
    this.path = parts.path;
    this.url = info.url;
    this.query = parts.query;
    this.parameters = info.parameters;
    this.clientIp = info.clientIp;
    this.headers = parts.headers;
    this.hostname = info.hostname;
    this.execId = info.execId;
    this.scriptPath = info.scriptPath;
    this.mode = mode;
    this.startedAt = info.startedAt;
    this.#info = info;
    this.#body = body;
    if (info.hook) this.hook = createHook(info.hook, this);
  }

  get request(): Request {
    const info = this.#info;
    const body = this.#body;
    this.#request ??= new Request(info.url, {
      method: info.method,
      headers: info.headers,
      body: body && info.method !== "GET" && info.method !== "HEAD" ? body : null,
    });
    return this.#request;
  }
}

// `implements` proves the class has all of HoodyMetadata; this, that scripts see nothing more
// (a public member types/script.d.ts lacks is a compile error here).
type _NothingUndeclared<Extra extends never = Exclude<keyof ScriptMetadata, keyof HoodyMetadata>> =
  Extra;

/** What a script's call is given of its request. */
export interface MadeRequest {
  req: HoodyRequest;
  metadata: ScriptMetadata;
}

/** At once for a request without a body (no await on the hot path); once its body is parsed otherwise. */
export function createScriptRequest(
  info: RequestInfo,
  body: Bytes | null,
  mode: "worker" | "serverless",
): MadeRequest | Promise<MadeRequest> {
  // The server sent the absolute URL it routed (never anything splitUrl refuses).
  const { path, search } = splitUrl(info.url) ?? { path: "/", search: "" };
  const headers = toRecord(info.headers);
  const query = search === "" ? {} : toQuery(new URLSearchParams(search));
  const req: HoodyRequest = {
    method: info.method,
    url: path + search,
    path,
    headers,
    body: undefined,
    query,
  };
  const made = { req, metadata: new ScriptMetadata(info, body, mode, { path, query, headers }) };
  if (!body || body.byteLength === 0) return made;
  return parseBody(headers["content-type"] ?? "", body).then((parsed) => {
    req.body = parsed;
    return made;
  });
}

/** Header pairs -> one object (a plain loop: Object.fromEntries costs Deno several times more). */
function toRecord(pairs: [string, string][]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, value] of pairs) {
    // A header named `__proto__` is a key like any other, never the object's prototype.
    if (name === "__proto__") {
      Object.defineProperty(record, name, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else record[name] = value;
  }
  return record;
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
