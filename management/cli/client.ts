/** The CLI's HTTP side: one call to one management endpoint, errors as the server worded them. */
import { API_PREFIX } from "../../runtime/server/management-path.ts";
import type { Endpoint } from "../endpoint.ts";

export interface ClientOptions {
  url: string;
  token?: string;
}

export class CliError extends Error {
  override name = "CliError";
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

/** Sends one call; the Response when it succeeded, else a CliError with the server's message. */
export async function sendRequest(
  options: ClientOptions,
  endpoint: Endpoint,
  input: Record<string, unknown>,
): Promise<Response> {
  const base = options.url.replace(/\/+$/, "");
  // A path parameter (`/sdk/:id`) goes in the path, not the query.
  const rest = { ...input };
  const path = endpoint.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = rest[name];
    delete rest[name];
    return encodeURIComponent(String(value ?? ""));
  });
  const url = new URL(`${base}${API_PREFIX}${path}`);
  const init: RequestInit = { method: endpoint.method, headers: {} };
  const headers = init.headers as Record<string, string>;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (endpoint.method === "GET" || endpoint.method === "DELETE") {
    for (const [name, value] of Object.entries(rest)) {
      url.searchParams.set(name, Array.isArray(value) ? value.join(",") : String(value));
    }
  } else {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(rest);
  }
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (cause) {
    throw new CliError(
      `cannot reach hoody-exec at ${base} (${cause instanceof Error ? cause.message : cause}); ` +
        "is it running? Set --url or HOODY_EXEC_URL",
    );
  }
  if (!response.ok) {
    const error = parse(await response.text()) as { error?: string; code?: string };
    const message = typeof error === "object" && error?.error
      ? `${error.error}${error.code ? ` (${error.code})` : ""}`
      : `HTTP ${response.status}`;
    throw new CliError(message);
  }
  return response;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // Not JSON (openapi.yaml): printed as it came.
  }
}

export async function callEndpoint(
  options: ClientOptions,
  endpoint: Endpoint,
  input: Record<string, unknown>,
): Promise<unknown> {
  return parse(await (await sendRequest(options, endpoint, input)).text());
}
