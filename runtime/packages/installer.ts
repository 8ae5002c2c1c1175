/**
 * Installs script packages into the scripts root's own package.json + node_modules with
 * the runtime's own installer (`bun add --exact` / `deno add --save-exact npm:…`), one install at a
 * time, each with a timeout after which its whole process group is killed. Lifecycle scripts stay
 * off. A failed install leaves package.json, the lockfiles and node_modules exactly as before:
 * they are copied aside first and put back.
 */
import { existsSync } from "node:fs";
import { cp, mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { commandsFor, type InstallerRuntime } from "./install-commands.ts";
import { formatSpec, type InstallSpec, isValidPackageName, packageNameOf } from "./names.ts";
import {
  dependenciesOf,
  installedVersion,
  readPackageJson,
  restoreFiles,
  snapshotFiles,
  writePackageJson,
} from "./package-json.ts";

export type { InstallerRuntime };

export interface InstallJob {
  id: string;
  status: "queued" | "installing" | "done" | "failed";
  /** What was asked for, as specs (`name`, `name@1.2.3`, `name@file:…`). */
  packages: string[];
  dev: boolean;
  /** The installer command lines that ran (or will run). */
  command: string;
  /** The installer's output (stdout and stderr), its last 64 KiB. */
  output: string;
  error: string | null;
  /** name -> version now in node_modules (when done). */
  installed: Record<string, string>;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export class InstallError extends Error {
  override name = "InstallError";
  constructor(message: string, readonly job: InstallJob) {
    super(message);
  }
}

export interface InstallerOptions {
  root: string;
  runtime: InstallerRuntime;
  /** The runtime binary (the server's own `process.execPath`). */
  exec: string;
  /** Kill an install that runs longer (default 120 s, env HOODY_EXEC_INSTALL_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Tests: replace the installer command. */
  command?: (kind: "add" | "install", specs: string[], dev: boolean) => string[];
}

export interface Installer {
  readonly root: string;
  readonly runtime: InstallerRuntime;
  isInstalled(name: string): boolean;
  version(name: string): string | null;
  /**
   * Makes sure every package among `specifiers` is in node_modules: declared ones are installed
   * as declared, the others added at their latest version, pinned exactly. Specifiers are read
   * by `packageNameOf` (`npm:x@1` needs `x`; built-ins, relative paths, `jsr:`/`node:`/`bun:` need
   * nothing). Throws InstallError.
   */
  ensure(specifiers: string[]): Promise<void>;
  /** Queues an install; `done` settles with the finished job (never rejects). */
  install(specs: InstallSpec[], options?: { dev?: boolean; force?: boolean }): {
    job: InstallJob;
    done: Promise<InstallJob>;
  };
  job(id: string): InstallJob | undefined;
  jobs(): InstallJob[];
}

const OUTPUT_CAP = 64 * 1024;
const KEEP_JOBS = 50;

export function createInstaller(options: InstallerOptions): Installer {
  const { root, runtime, exec } = options;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const jobs = new Map<string, InstallJob>();
  let tail: Promise<unknown> = Promise.resolve();
  let counter = 0;
  /** One install in flight per set of names, so concurrent first requests share it. */
  const ensuring = new Map<string, Promise<void>>();

  const isInstalled = (name: string) =>
    existsSync(join(root, "node_modules", name, "package.json"));

  const remember = (job: InstallJob) => {
    jobs.set(job.id, job);
    while (jobs.size > KEEP_JOBS) jobs.delete(jobs.keys().next().value!);
  };

  async function run(argv: string[], job: InstallJob): Promise<void> {
    // Loaded at the first install: on Deno, node:child_process is ~10 ms of every server's start.
    const { spawn } = await import("node:child_process");
    return await new Promise((resolve, reject) => {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) {
        if (v !== undefined && !/TOKEN|SECRET|PASSWORD/i.test(k)) env[k] = v;
      }
      Object.assign(env, { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", CI: "1" });
      const child = spawn(argv[0]!, argv.slice(1), {
        cwd: root,
        env,
        detached: true, // its own process group: a timeout kills the installer and its children
        stdio: ["ignore", "pipe", "pipe"],
      });
      const append = (chunk: Buffer) => {
        job.output = (job.output + chunk.toString("utf8")).slice(-OUTPUT_CAP);
      };
      child.stdout?.on("data", append);
      child.stderr?.on("data", append);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          child.kill("SIGKILL");
        }
      }, timeoutMs);
      child.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        if (timedOut) {
          reject(new Error(`the installer did not finish in ${timeoutMs} ms and was killed`));
        } else if (code === 0) resolve();
        else {reject(
            new Error(lastLines(job.output) || `the installer exited with ${code ?? signal}`),
          );}
      });
    });
  }

  async function perform(job: InstallJob, specs: InstallSpec[], dev: boolean, force: boolean) {
    job.status = "installing";
    job.startedAt = new Date().toISOString();
    const modules = join(root, "node_modules");
    const backup = join(root, "_hoody", "packages", `node_modules.${job.id}`);
    const files = await snapshotFiles(root);
    const hadModules = existsSync(modules);
    try {
      if (hadModules) {
        await mkdir(join(root, "_hoody", "packages"), { recursive: true });
        await rm(backup, { recursive: true, force: true });
        await cp(modules, backup, { recursive: true, verbatimSymlinks: true });
      }
      const pkg = readPackageJson(root) ?? { name: "hoody-exec-scripts", private: true };
      for (const step of commandsFor(runtime, exec, specs, dev, force)) {
        if (step.declare && step.declare.length > 0) {
          const key = dev ? "devDependencies" : "dependencies";
          pkg[key] = { ...dependenciesOf(pkg, dev) };
          for (const s of step.declare) pkg[key][s.name] = s.version!;
        }
        if (!readPackageJson(root) || step.declare?.length) await writePackageJson(root, pkg);
        const argv =
          options.command?.(specs.length ? "add" : "install", specs.map(formatSpec), dev) ??
            step.argv;
        job.output += `$ ${argv.map((a, i) => (i === 0 ? runtime : a)).join(" ")}\n`;
        await run(argv, job);
      }
      const missing = specs.filter((s) => !isInstalled(s.name)).map((s) => s.name);
      if (missing.length > 0) {
        throw new Error(`the installer finished but ${missing.join(", ")} is not in node_modules`);
      }
      for (const s of specs) job.installed[s.name] = installedVersion(root, s.name) ?? "";
      job.status = "done";
    } catch (error) {
      job.status = "failed";
      job.error = scrub(error instanceof Error ? error.message : String(error), root);
      await restoreFiles(root, files);
      await rm(modules, { recursive: true, force: true });
      if (hadModules) await rename(backup, modules);
    } finally {
      await rm(backup, { recursive: true, force: true }).catch(() => {});
      job.finishedAt = new Date().toISOString();
    }
  }

  function install(specs: InstallSpec[], opts: { dev?: boolean; force?: boolean } = {}) {
    const dev = opts.dev ?? false;
    const force = opts.force ?? false;
    const job: InstallJob = {
      id: `install-${Date.now().toString(36)}-${++counter}`,
      status: "queued",
      packages: specs.map(formatSpec),
      dev,
      command: commandsFor(runtime, runtime, specs, dev, force).map((s) => s.argv.join(" ")).join(
        " && ",
      ),
      output: "",
      error: null,
      installed: {},
      queuedAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
    };
    remember(job);
    const done = tail.then(() => perform(job, specs, dev, force)).then(() => job);
    tail = done.catch(() => {});
    return { job, done };
  }

  return {
    root,
    runtime,
    isInstalled,
    version: (name) => installedVersion(root, name),
    install,
    job: (id) => jobs.get(id),
    jobs: () => [...jobs.values()].reverse(),
    ensure(specifiers) {
      const names = [...new Set(specifiers.map(packageNameOf).filter((n) => n !== null))]
        .filter((n) => isValidPackageName(n) && !isInstalled(n)).sort();
      if (names.length === 0) return Promise.resolve();
      const key = names.join(" ");
      let pending = ensuring.get(key);
      if (!pending) {
        pending = (async () => {
          const declared = {
            ...dependenciesOf(readPackageJson(root), true),
            ...dependenciesOf(readPackageJson(root)),
          };
          const wanted = names.filter((n) => !isInstalled(n));
          if (wanted.length === 0) return;
          const specs = wanted.map((name) =>
            declared[name] !== undefined ? { name, version: declared[name] } : { name }
          );
          const { done } = install(specs);
          const job = await done;
          if (job.status === "failed") {
            throw new InstallError(`Installing ${wanted.join(", ")} failed: ${job.error}`, job);
          }
        })().finally(() => ensuring.delete(key));
        ensuring.set(key, pending);
      }
      return pending;
    },
  };
}

function lastLines(output: string, n = 12): string {
  return output.trim().split("\n").filter((l) =>
    l.trim() !== "" && !l.startsWith("$ ") && !/^(Stack backtrace:|\s+\d+: <unknown>)/.test(l)
  ).slice(-n)
    .join("\n");
}

/** Installer messages may hold the absolute scripts root: clients see `<scripts root>`. */
function scrub(message: string, root: string): string {
  return message.split(root).join("<scripts root>");
}
