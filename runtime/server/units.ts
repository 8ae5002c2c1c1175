import type { RouteMatch } from "../../routing/table.ts";
import { type AiGateway, aiSettings } from "../ai/settings.ts";
import { sha256Hex } from "../hex.ts";
import type { ModuleRef, Unit } from "../protocol/messages.ts";
import type { EnvVars } from "./dotenv.ts";
import type { Instance, Routes } from "./instances.ts";
import type { Script } from "./scripts.ts";

export interface UnitContext {
  /** The scripts root: `require` resolves packages from its node_modules only. */
  root: string;
  /** Where a script's relative fetch("/x") goes: this server. */
  selfOrigin(): string;
  /** The server's AI gateway, for `// @ai true` scripts. */
  ai: AiGateway;
  /** Scripts' console lines are printed on the server's stdout/stderr too (not under `--quiet`). */
  echo: boolean;
}

/**
 * The unit a request runs: its script with its folder's `pre`/`post` middleware, compiled.
 * Synchronous from the second request on (the same script objects give the same unit); a first
 * request, or one after an edit, waits for the compiles.
 */
export type UnitFor = (
  instance: Instance,
  routes: Routes,
  match: RouteMatch,
  script: Script,
) => Unit | Promise<Unit>;

/**
 * Each unit's script `@token`, known to the server only (a Unit travels to its Worker; this does
 * not). The console sink redacts it from the unit's lines, even once an edit or a re-read has taken
 * the script out of its instance.
 */
const tokens = new WeakMap<Unit, string | null>();

export function tokenOf(unit: Unit): string | null {
  return tokens.get(unit) ?? null;
}

export function createUnits(context: UnitContext): UnitFor {
  /**
   * Kept while its Script object lives: a reloaded or cleared script is a new object, so a change
   * can never hit a stale entry (and nothing accumulates across edits).
   */
  const units = new WeakMap<
    Script,
    { pre: Script | undefined; post: Script | undefined; env: EnvVars | null; unit: Unit }
  >();

  const load = async (instance: Instance, routes: Routes, match: RouteMatch, script: Script) => {
    const middleware = routes.middleware.get(match.route.dir) ?? {};
    const env = instance.dotenv.forFolder(match.route.dir);
    const [pre, post] = await Promise.all([
      middleware.pre ? instance.scripts.get(middleware.pre) : null,
      middleware.post ? instance.scripts.get(middleware.post) : null,
    ]);
    // Same content, same key: the pool keeps a worker-mode script's Worker across a reload.
    const key = [
      instance.id,
      script.file,
      script.hash,
      pre?.hash ?? "",
      post?.hash ?? "",
      // A changed `.env` replaces a worker-mode script's Worker.
      env ? (await sha256Hex(JSON.stringify(env))).slice(0, 16) : "",
    ].join(":");
    const moduleOf = (s: Script | null): Promise<ModuleRef | null> =>
      s ? s.module() : Promise.resolve(null);
    const [main, preRef, postRef] = await Promise.all([
      script.module(),
      moduleOf(pre),
      moduleOf(post),
    ]);
    const { mode } = script.directives;
    const unit: Unit = {
      key,
      instance: instance.id,
      mode,
      main,
      pre: preRef,
      post: postRef,
      awaitPromises: script.directives.awaitPromises,
      websocket: mode === "worker" && script.directives.websocket,
      scriptsRoot: context.root,
      logLevel: script.directives.logLevel,
      echo: context.echo,
      selfOrigin: context.selfOrigin(),
      ai: aiSettings(context.ai, script.directives),
      env,
    };
    units.set(script, { pre: pre ?? undefined, post: post ?? undefined, env, unit });
    tokens.set(unit, script.directives.token);
    return unit;
  };

  return (instance, routes, match, script) => {
    const seen = units.get(script);
    if (seen) {
      const middleware = routes.middleware.get(match.route.dir);
      const pre = middleware?.pre ? instance.scripts.peek(middleware.pre) : undefined;
      const post = middleware?.post ? instance.scripts.peek(middleware.post) : undefined;
      const env = instance.dotenv.forFolder(match.route.dir);
      if (seen.pre === pre && seen.post === post && seen.env === env) return seen.unit;
    }
    return load(instance, routes, match, script);
  };
}
