import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { scanInstance } from "../../routing/scan.ts";
import { createRouteTable, type RouteTable } from "../../routing/table.ts";
import { isValidInstanceId } from "../../routing/instance.ts";
import { isHiddenName } from "../../routing/pattern.ts";
import type { Compiler } from "../compile/compiler.ts";
import type { DirectiveStore } from "../directives/store.ts";
import type { Logger } from "../log.ts";
import { createDotenvFiles, DOTENV_FILE, type DotenvFiles } from "./dotenv.ts";
import { createScriptCache, type ScriptCache } from "./scripts.ts";

/** One instance: the folder `DIR/{execId}/`, its routes and its scripts, always current. */
export interface Instance {
  id: string;
  dir: string;
  routes(): Promise<Routes>;
  /** The routes if they are scanned already: the synchronous fast path for every request after the first. */
  peekRoutes(): Routes | null;
  scripts: ScriptCache;
  /** Its `.env` files: what each folder's scripts get in `process.env`. */
  dotenv: DotenvFiles;
  /** A file below the instance changed: an edit drops its script, anything else rescans the routes. */
  touched(file: string): void;
  /** The routes are scanned again at the next request, and each loaded script is read again now. */
  recheck(): Promise<void>;
}

export interface Routes {
  table: RouteTable;
  middleware: Map<string, { pre?: string; post?: string }>;
}

export interface InstanceRegistry {
  get(id: string): Instance | null;
  list(): string[];
  /** Called by the watcher with a path relative to the scripts root. */
  changed(relative: string): void;
  /** Forgets every instance: routes and scripts are read again on the next request. */
  clear(): void;
  /**
   * The watcher has just begun: what was read before it is checked against the disk (the routes
   * scanned again, a script that changed dropped), so no change made before it is missed.
   */
  recheck(): Promise<void>;
}

/** What every instance's scripts are read, compiled and prepared with. */
export interface InstanceParts {
  compiler: Compiler;
  directives: DirectiveStore;
  log: Logger;
  /** Installs a script's missing packages into <root>/node_modules before it first runs. */
  ensurePackages(names: string[]): Promise<void>;
}

export function createInstanceRegistry(root: string, parts: InstanceParts): InstanceRegistry {
  const { compiler, directives, log, ensurePackages } = parts;
  const instances = new Map<string, Instance>();

  const create = (id: string): Instance => {
    const dir = join(root, id);
    let routes: Promise<Routes> | null = null;
    let known: Routes | null = null;
    const scripts = createScriptCache(dir, {
      compiler,
      directives,
      ensurePackages,
      onWarnings: (file, warnings) => {
        for (const w of warnings) log.warn(`${id}/${file}: ${w.message}`);
      },
    });
    const dotenv = createDotenvFiles(dir, (line) => log.warn(`${id}/${line}`));
    return {
      id,
      dir,
      scripts,
      dotenv,
      routes() {
        if (routes) return routes;
        const scanning: Promise<Routes> = scanInstance(dir).then((scan) => {
          const table = createRouteTable(scan.routes);
          for (const warning of table.warnings) log.warn(`instance ${id}: ${warning}`);
          const scanned = { table, middleware: scan.middleware };
          // A change while it scanned reset the routes: this table may be older than that change.
          if (routes === scanning) known = scanned;
          return scanned;
        });
        routes = scanning;
        return scanning;
      },
      peekRoutes: () => known,
      async recheck() {
        routes = null;
        known = null;
        dotenv.changed();
        await scripts.recheck();
      },
      touched(file) {
        scripts.invalidate(file);
        const isKnown = known !== null &&
          (known.table.routes.some((r) => r.file === file) || isMiddleware(known, file));
        if (!isKnown || !existsSync(join(dir, file))) {
          routes = null;
          known = null;
          // A folder that came or went may have brought or taken a `.env`.
          dotenv.changed();
        }
      },
    };
  };

  return {
    get(id) {
      const known = instances.get(id);
      if (known) return known;
      if (!isValidInstanceId(id) || !isDirectory(join(root, id))) return null;
      const instance = create(id);
      instances.set(id, instance);
      return instance;
    },
    list() {
      return [...instances.keys()];
    },
    clear() {
      instances.clear();
    },
    async recheck() {
      await Promise.all([...instances].map(async ([id, instance]) => {
        if (isDirectory(instance.dir)) return await instance.recheck();
        if (instances.get(id) === instance) instances.delete(id);
      }));
    },
    changed(relative) {
      const [id = "", ...rest] = relative.split(/[\\/]/);
      const file = rest.join("/");
      if (isHiddenName(id)) return;
      const instance = instances.get(id);
      // A `.env` is hidden (never a route) but read for the scripts beside and below it.
      if (rest.at(-1) === DOTENV_FILE && !rest.slice(0, -1).some(isHiddenName)) {
        instance?.dotenv.changed();
        return;
      }
      if (rest.some(isHiddenName) || !instance) return;
      if (!isDirectory(instance.dir)) {
        instances.delete(id);
        return;
      }
      instance.touched(file);
    },
  };
}

function isMiddleware(routes: Routes, file: string): boolean {
  for (const m of routes.middleware.values()) if (m.pre === file || m.post === file) return true;
  return false;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
