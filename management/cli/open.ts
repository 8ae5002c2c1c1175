/**
 * `hoody-exec open`: the dashboard's address on a running server (checked: the server must
 * answer), printed, and opened in the desktop's browser when there is a desktop.
 */
import { spawn } from "node:child_process";
import { DASHBOARD_PATH } from "../../runtime/server/management-path.ts";
import type { Endpoint } from "../endpoint.ts";
import { type ClientOptions, sendRequest } from "./client.ts";

const HEALTH = { method: "GET", path: "/health" } as Endpoint;

/** The dashboard's URL on the server at `options.url`, once that server has answered. */
export async function dashboardUrl(options: ClientOptions): Promise<string> {
  await sendRequest(options, HEALTH, {});
  return new URL(DASHBOARD_PATH, options.url.replace(/\/+$/, "") + "/").href;
}

/** The command that opens a URL on this desktop, or null when there is none (a server, CI). */
function opener(): [string, string[]] | null {
  const env = process.env;
  if (process.platform === "darwin") return ["open", []];
  if (process.platform === "win32") return ["cmd", ["/c", "start", ""]];
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return ["xdg-open", []];
  return null;
}

/** Opens `url` in the desktop's browser; false when there is no desktop or no opener. */
export function openInBrowser(url: string): boolean {
  const command = opener();
  if (!command) return false;
  const [program, args] = command;
  const child = spawn(program, [...args, url], { stdio: "ignore", detached: true });
  child.on("error", () => {}); // No opener installed: the printed URL is enough.
  child.unref();
  return true;
}
