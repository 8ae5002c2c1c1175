// @ts-check
// Which command line starts a server: the one answer both the Node launcher (to supervise it) and
// main.ts (to serve it) use, so they cannot drift apart.
import { SERVE_VALUE_FLAGS } from "../runtime/server/flags.mjs";

/**
 * `serve`, `dev` and a bare `hoody-exec --root …` start a server; a first word that is not a
 * serve flag's value (`--url U scripts list`) names a CLI command.
 * @param {string[]} argv
 * @returns {boolean}
 */
export function isServe(argv) {
  const first = argv.findIndex((arg, i) =>
    !arg.startsWith("-") && !SERVE_VALUE_FLAGS.has(argv[i - 1] ?? "")
  );
  if (first === -1) return !argv.some((arg) => arg === "-h" || arg === "--help");
  return argv[first] === "serve" || argv[first] === "dev";
}
