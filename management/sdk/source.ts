/**
 * Fetching an SDK's source document: an outbound request the admin asked for, so it is bounded
 * (a timeout, a size cap, at most a few redirects, each checked again) and never aimed at this
 * server itself (an import of our own API would call itself). `source_auth` is sent but never
 * logged nor echoed in an error.
 */
import { ServerError, validationError } from "../../runtime/errors.ts";

export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
export const SOURCE_TIMEOUT_MS = 15_000;
const MAX_REDIRECTS = 3;

/** The header `source_auth` becomes (docs/sdk-import.md, Authentication). */
export function authHeaderOf(auth: string): [string, string] {
  const named = /^([A-Za-z0-9-]+):\s*(.+)$/.exec(auth);
  if (named) return [named[1]!.toLowerCase(), named[2]!];
  return ["authorization", /\s/.test(auth) ? auth : `Bearer ${auth}`];
}

const LOOPBACK = /^(localhost|127(?:\.\d+){3}|0\.0\.0\.0|\[::1?\]|\[::ffff:127(?:\.\d+){3}\])$/i;

const portOf = (url: URL) => url.port || (url.protocol === "https:" ? "443" : "80");

/**
 * Refuses a URL that reaches this server: the host the management call came in on, or a loopback
 * name on the port it came in on.
 */
export function checkNotSelf(url: URL, self: URL): void {
  const sameHost = url.hostname.toLowerCase() === self.hostname.toLowerCase();
  const loopback = LOOPBACK.test(url.hostname) && LOOPBACK.test(self.hostname);
  if ((sameHost || loopback) && portOf(url) === portOf(self)) {
    throw new ServerError(
      "FORBIDDEN",
      "source_url points at this server itself; give the URL of the API's own document",
      { details: { field: "source_url" } },
    );
  }
}

function parseSourceUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw validationError("source_url", "source_url must be an absolute http(s) URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw validationError("source_url", "source_url must be an absolute http(s) URL");
  }
  return url;
}

const unreachable = (url: URL, why: string, cause?: unknown) =>
  new ServerError("SOURCE_FETCH_FAILED", `Could not fetch ${url.origin}${url.pathname}: ${why}`, {
    cause,
  });

/** Reads at most MAX_DOCUMENT_BYTES of a body, as text. */
async function readCapped(response: Response, url: URL): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > MAX_DOCUMENT_BYTES) throw tooLarge();
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read().catch((e) => {
      throw unreachable(url, "the connection failed while reading", e);
    });
    if (done) break;
    size += value.byteLength;
    if (size > MAX_DOCUMENT_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

const tooLarge = () =>
  new ServerError(
    "PAYLOAD_TOO_LARGE",
    `The document at source_url is larger than ${MAX_DOCUMENT_BYTES} bytes`,
  );

/** The document's text; `self` is the URL the management call came in on. */
export async function fetchSource(
  source: string,
  options: { auth?: string; self: URL },
): Promise<{ text: string; url: string }> {
  let url = parseSourceUrl(source);
  const headers = new Headers({ accept: "application/json, application/yaml;q=0.9, */*;q=0.5" });
  if (options.auth) headers.set(...authHeaderOf(options.auth));
  const signal = AbortSignal.timeout(SOURCE_TIMEOUT_MS);
  for (let hop = 0;; hop++) {
    checkNotSelf(url, options.self);
    let response: Response;
    try {
      response = await fetch(url, { headers, redirect: "manual", signal });
    } catch (error) {
      const why = signal.aborted
        ? `no answer within ${SOURCE_TIMEOUT_MS} ms`
        : (error as Error).message;
      throw unreachable(url, why, error);
    }
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location !== null) {
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) throw unreachable(url, `more than ${MAX_REDIRECTS} redirects`);
      const next = parseSourceUrl(new URL(location, url).href);
      // The credential goes only where the admin sent it.
      if (next.origin !== url.origin) headers.delete(authHeaderOf(options.auth ?? "x")[0]);
      url = next;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw unreachable(url, `it answered ${response.status}`);
    }
    return { text: await readCapped(response, url), url: url.href };
  }
}
