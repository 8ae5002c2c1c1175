/**
 * The services hoody-exec proxies (docs/proxy-hooks.md): `--upstream name=URL`, repeatable, read
 * and checked here; and which one a request's Host names (`{name}.proxy.{anything}`).
 */

export interface Upstream {
  name: string;
  /** `http://127.0.0.1:3000`: scheme, host and port, nothing else. */
  origin: string;
  host: string;
  port: number;
}

/** A DNS label: what `{name}` in `{name}.proxy.localhost` can be. */
const NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Services the original platform refuses to hook (SPEC §24); refused here as upstream names too. */
export const UNHOOKABLE = ["logs", "proxy", "workspaces", "cdp"] as const;

/** `["api=http://127.0.0.1:3000", …]` -> upstreams, or an error that names the entry and the fix. */
export function parseUpstreams(entries: readonly string[]): Upstream[] {
  const byName = new Map<string, Upstream>();
  for (const entry of entries) {
    const at = entry.indexOf("=");
    const name = at === -1 ? "" : entry.slice(0, at).trim().toLowerCase();
    const target = at === -1 ? "" : entry.slice(at + 1).trim();
    const fix = "write --upstream name=http://host:port (a name such as api, then a URL)";
    if (at === -1 || !NAME.test(name)) {
      throw new Error(`--upstream "${entry}": the name must be a DNS label [a-z0-9-]; ${fix}`);
    }
    if ((UNHOOKABLE as readonly string[]).includes(name)) {
      throw new Error(`--upstream "${entry}": "${name}" is reserved (${UNHOOKABLE.join(", ")})`);
    }
    if (byName.has(name)) throw new Error(`--upstream "${entry}": "${name}" is given twice`);
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new Error(`--upstream "${entry}": "${target}" is not a URL; ${fix}`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new Error(`--upstream "${entry}": only http:// and https:// upstreams are served`);
    }
    if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash || url.username) {
      throw new Error(
        `--upstream "${entry}": give only scheme, host and port (the client's path is kept as is)`,
      );
    }
    const port = url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
    byName.set(name, { name, origin: url.origin, host: url.hostname, port });
  }
  return [...byName.values()];
}

/**
 * The upstream a Host header names: `{name}.proxy` followed by anything (`api.proxy.localhost:8080`,
 * `api.proxy.example.com`). `undefined`: not a proxy host; `null`: a proxy host naming no upstream.
 */
export function upstreamOfHost(
  host: string | null,
  upstreams: ReadonlyMap<string, Upstream>,
): Upstream | null | undefined {
  if (host === null) return undefined;
  const labels = host.toLowerCase().split(".", 3);
  if (labels.length < 2 || labels[1]!.split(":")[0] !== "proxy") return undefined;
  return upstreams.get(labels[0]!) ?? null;
}
