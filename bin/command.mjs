// Which command line starts a server: the one answer both the Node launcher (to supervise it) and
// main.ts (to serve it) use, so they cannot drift apart.

/**
 * Serve flags that take a value: the word after one is that value, never a command.
 * @type {ReadonlySet<string>}
 */
export const SERVE_VALUE_FLAGS = new Set([
  "--root",
  "--port",
  "--host",
  "--runtime",
  "--default-instance",
  "--hosts",
  "--stock",
  "--memory-mb",
  "--max-workers",
  "--max-body-bytes",
  "--queue-limit",
  "--admin-token",
]);

/**
 * `serve`, `dev` and a bare `hoody-exec --root …` start a server; a first word that is not a
 * serve flag's value (`--url U scripts list`) names a CLI command.
 */
/**
 * @param {string[]} argv
 * @returns {boolean}
 */
export function isServe(argv) {
  const first = argv.findIndex((arg, i) =>
    !arg.startsWith("-") && !(i > 0 && SERVE_VALUE_FLAGS.has(argv[i - 1]))
  );
  if (first === -1) return !argv.some((arg) => arg === "-h" || arg === "--help");
  return argv[first] === "serve" || argv[first] === "dev";
}
