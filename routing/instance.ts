/** Host header -> instance id (docs/scripts.md, Instances). Pure. */
import { isHiddenName } from "./pattern.ts";

const INSTANCE_ID = /^[A-Za-z0-9_]+$/;
// Several Host values joined by a proxy, smuggled whitespace or control characters.
// deno-lint-ignore no-control-regex
const MALFORMED_HOST = /[,\s\x00-\x1f\x7f]/;
const PORT = /^[0-9]{1,5}$/;
const LABEL_MARK = "exec-";

/**
 * An id that may name an instance: `[A-Za-z0-9_]+` and not hidden, so `_hoody` (server
 * data) and `node_modules` (the scripts' packages) are never served, listed or managed.
 */
export function isValidInstanceId(id: string): boolean {
  return INSTANCE_ID.test(id) && !isHiddenName(id);
}

/** The host name without its port; null when the port part is not a port. */
export function stripPort(host: string): string | null {
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    if (end === -1) return null;
    const rest = host.slice(end + 1);
    if (rest !== "" && !(rest.startsWith(":") && PORT.test(rest.slice(1)))) return null;
    return host.slice(0, end + 1);
  }
  const colon = host.indexOf(":");
  if (colon === -1) return host;
  return PORT.test(host.slice(colon + 1)) ? host.slice(0, colon) : null;
}

/**
 * The id from a DNS label that ends in `exec-{id}` (`abc-def-exec-2`, `EXEC-test`), as written:
 * a hidden id is still returned, so that the request answers "no such instance" rather than
 * falling through to the default one.
 */
function idFromLabel(label: string): string | null {
  // An id has no "-", so the mark can only end at the label's last dash.
  const start = label.lastIndexOf("-") + 1 - LABEL_MARK.length;
  if (start < 0 || label.slice(start, start + LABEL_MARK.length).toLowerCase() !== LABEL_MARK) {
    return null;
  }
  if (start > 0 && label[start - 1] !== "-") return null;
  const id = label.slice(start + LABEL_MARK.length);
  return INSTANCE_ID.test(id) ? id : null;
}

/**
 * The instance a request is for: the Host's first DNS label when it ends in `exec-{id}`, else
 * the second one (a `{sub}.` prefix: `foo.abc-exec-2.example.com`), else
 * `defaultInstance` (also for a missing Host). Null when the Host is malformed (answer 400).
 */
export function parseInstanceId(host: string | null, defaultInstance: string): string | null {
  if (host === null) return defaultInstance;
  if (host === "" || MALFORMED_HOST.test(host)) return null;
  const name = stripPort(host);
  if (name === null || name === "") return null;
  if (name.startsWith("[")) return defaultInstance;
  const [first = "", second = ""] = name.split(".", 2);
  return idFromLabel(first) ?? idFromLabel(second) ?? defaultInstance;
}
