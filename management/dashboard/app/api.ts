/**
 * The management API from the browser. Every panel talks to the server only through this, so
 * every button is a call a user could make with curl or the CLI. The admin token, when the server
 * has one, lives in this tab's sessionStorage: never in a URL, never in a cookie.
 */
export const API_PREFIX = "/api/v1/exec";
const TOKEN_KEY = "hoody-exec.admin-token";

/** An answer that was not 2xx: the API's own `{ error, code }`, or what the status says. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown = null,
  ) {
    super(message);
  }
}

export type Input = Record<string, unknown>;

export function adminToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setAdminToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Headers every API call carries: the token, when there is one. */
export function authHeaders(): Record<string, string> {
  const token = adminToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** A path below the API with `input` as its query (GET/DELETE) or JSON body (the rest). */
function requestOf(method: string, path: string, input: Input): [string, RequestInit] {
  const url = new URL(API_PREFIX + path, location.origin);
  const init: RequestInit = { method, headers: { ...authHeaders() } };
  if (method === "GET" || method === "DELETE") {
    for (const [key, value] of Object.entries(input)) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
  } else {
    init.body = JSON.stringify(input);
    (init.headers as Record<string, string>)["content-type"] = "application/json";
  }
  return [url.pathname + url.search, init];
}

/** Listeners told when a call is refused for want of a token (the shell shows its sign-in form). */
const unauthorized = new Set<() => void>();
export function onUnauthorized(listener: () => void): void {
  unauthorized.add(listener);
}

async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the text is the message.
  }
  const fields = typeof body === "object" && body !== null ? body as Record<string, unknown> : {};
  const code = typeof fields.code === "string" ? fields.code : `HTTP_${response.status}`;
  const message = typeof fields.error === "string"
    ? fields.error
    : text || `${response.status} ${response.statusText}`;
  if (response.status === 401) { for (const listener of unauthorized) listener(); }
  return new ApiError(response.status, code, message, body);
}

/** Calls one endpoint; resolves to its JSON answer, rejects with an ApiError. */
export async function call<T = unknown>(method: string, path: string, input: Input = {}) {
  const [url, init] = requestOf(method, path, input);
  const response = await fetch(url, init);
  if (!response.ok) throw await errorOf(response);
  const type = response.headers.get("content-type") ?? "";
  return (type.includes("json") ? await response.json() : await response.text()) as T;
}

/**
 * Follows a server-sent-events endpoint (`logs/stream`) with fetch, not EventSource, which could
 * only carry the token in the URL. Calls `onEvent` per event until `signal` aborts.
 */
export async function follow(
  path: string,
  input: Input,
  onEvent: (event: { event: string; data: string }) => void,
  signal: AbortSignal,
): Promise<void> {
  const [url, init] = requestOf("GET", path, input);
  const response = await fetch(url, { ...init, signal });
  if (!response.ok || !response.body) throw await errorOf(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length > 0) onEvent({ event, data: data.join("\n") });
    }
  }
}
