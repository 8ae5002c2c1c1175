import { formatSpec, type InstallSpec } from "./names.ts";

export type InstallerRuntime = "bun" | "deno";

/** The command lines for one install, per runtime. Names are validated before they get here. */
export function commandsFor(
  runtime: InstallerRuntime,
  exec: string,
  specs: InstallSpec[],
  dev: boolean,
  force: boolean,
): { argv: string[]; declare?: InstallSpec[] }[] {
  if (runtime === "bun") {
    if (specs.length === 0) return [{ argv: [exec, "install", "--ignore-scripts"] }];
    const flags = [
      "--exact",
      "--ignore-scripts",
      ...(dev ? ["--dev"] : []),
      ...(force ? ["--force"] : []),
    ];
    return [{ argv: [exec, "add", ...flags, "--", ...specs.map(formatSpec)] }];
  }
  // Deno: `deno add` takes registry specs (npm:-prefixed, so never a flag); local folders are
  // declared in package.json first and installed with `deno install`. Lifecycle scripts run only
  // with --allow-scripts, which is never passed.
  const local = specs.filter((s) => s.version?.startsWith("file:"));
  const registry = specs.filter((s) => !s.version?.startsWith("file:"));
  const steps: { argv: string[]; declare?: InstallSpec[] }[] = [];
  const base = ["--node-modules-dir=auto", ...(force ? ["--reload=npm:"] : [])];
  if (registry.length > 0) {
    steps.push({
      argv: [
        exec,
        "add",
        "--package-json",
        "--save-exact",
        ...(dev ? ["--dev"] : []),
        ...base,
        ...registry.map((s) => `npm:${formatSpec(s)}`),
      ],
    });
  }
  if (local.length > 0 || specs.length === 0) {
    steps.push({ argv: [exec, "install", ...base], declare: local });
  }
  return steps;
}
