/**
 * Which instance this page's host reaches, and where the dashboard for another instance lives.
 * A browser cannot set the Host header, so a script call made from this page always reaches the
 * instance its host names. `hostInstance` mirrors `parseInstanceId` in routing/instance.ts (the
 * front end cannot import the server's code): keep the two in step. Pure.
 */
const INSTANCE_ID = /^[A-Za-z0-9_]+$/;
const LABEL_MARK = "exec-";
const LOOPBACK_V4 = /^[0-9]+(\.[0-9]+){3}$/;

/** Where `exec-{id}` starts in a DNS label (`abc-exec-2` → 4), or -1 when it names no instance. */
function markStart(label: string): number {
  // An id has no "-", so the mark can only end at the label's last dash.
  const start = label.lastIndexOf("-") + 1 - LABEL_MARK.length;
  if (start < 0 || label.slice(start, start + LABEL_MARK.length).toLowerCase() !== LABEL_MARK) {
    return -1;
  }
  if (start > 0 && label[start - 1] !== "-") return -1;
  return INSTANCE_ID.test(label.slice(start + LABEL_MARK.length)) ? start : -1;
}

/** `host` split into its name and its `:port` part (`"[::1]:80"` → `["[::1]", ":80"]`). */
function splitPort(host: string): [string, string] {
  const colon = host.lastIndexOf(":");
  if (colon === -1 || host.slice(colon).includes("]")) return [host, ""];
  return [host.slice(0, colon), host.slice(colon)];
}

/**
 * The instance id a Host value names (`exec-2.localhost:8080` → "2", `foo.abc-exec-2.example.com`
 * → "2"), or null when it names none and the server's default instance answers.
 */
export function hostInstance(host: string): string | null {
  const [name] = splitPort(host);
  if (name.startsWith("[")) return null;
  const labels = name.split(".", 2);
  for (const label of labels) {
    const start = markStart(label);
    if (start >= 0) return label.slice(start + LABEL_MARK.length);
  }
  return null;
}

/** The host name that reaches instance `id`, made from this page's host name. */
function hostNameFor(name: string, id: string): string {
  const labels = name.split(".");
  for (const index of [0, 1]) {
    const label = labels[index] ?? "";
    const start = markStart(label);
    if (start < 0) continue;
    labels[index] = label.slice(0, start) + LABEL_MARK + id;
    return labels.join(".");
  }
  if (name === "localhost" || name.startsWith("[") || LOOPBACK_V4.test(name)) {
    return `${LABEL_MARK}${id}.localhost`;
  }
  return `${LABEL_MARK}${id}.${name}`;
}

/**
 * The dashboard's address on a host that reaches instance `id`, from this page's `protocol` and
 * `host`: `http://127.0.0.1:3000` → `http://exec-2.localhost:3000/api/v1/exec/ui/#request`.
 */
export function dashboardFor(page: { protocol: string; host: string }, id: string): string {
  const [name, port] = splitPort(page.host);
  return `${page.protocol}//${hostNameFor(name, id)}${port}/api/v1/exec/ui/#request`;
}
