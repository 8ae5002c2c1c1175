/**
 * Stands in for a server in tests: starts one Worker host with the setup given as argv[2], prints
 * the host's pid, and waits to be killed.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { getAdapter } from "../../runtime/adapter/index.ts";

const entry = fileURLToPath(new URL("../../runtime/host/host-main.ts", import.meta.url));
const { exec, args, env } = (await getAdapter()).command(entry, "worker");
const host = spawn(exec, args, {
  env: { ...env, PATH: process.env.PATH ?? "" },
  stdio: ["pipe", "inherit", "inherit"],
});
host.stdin!.end(`${process.argv[2]}\n`);
console.log(host.pid);
setInterval(() => {}, 60_000);
