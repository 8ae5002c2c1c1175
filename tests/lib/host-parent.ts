/**
 * Stands in for a server in tests: starts one Worker host with the setup given as argv[2], prints
 * the host's pid, and waits to be killed.
 */
import { fileURLToPath } from "node:url";
import { getAdapter } from "../../runtime/adapter/index.ts";

const entry = fileURLToPath(new URL("../../runtime/host/host-main.ts", import.meta.url));
const env = { PATH: process.env.PATH ?? "" };
const host = (await getAdapter()).spawnHost(entry, "worker", env, true);
host.setup(`${process.argv[2]}\n`);
console.log(host.pid);
setInterval(() => {}, 60_000);
