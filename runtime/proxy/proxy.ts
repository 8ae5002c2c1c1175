/**
 * Proxy hooks, assembled (docs/proxy-hooks.md): the configured upstreams, the durable hook store,
 * the front the pipeline asks first, and what the management API may reach of them.
 */
import type { WorkerPool } from "../host/pool-api.ts";
import type { ResolvedConfig } from "../server/config.ts";
import type { InstanceRegistry } from "../server/instances.ts";
import { createUnits } from "../server/units.ts";
import { createProxyFront, type ProxyFront } from "./front.ts";
import { createHookStore, type HookStore } from "./store.ts";
import { parseUpstreams, type Upstream } from "./upstreams.ts";

export interface ProxyControl {
  upstreams: readonly Upstream[];
  hooks: HookStore;
}

export interface ProxyOptions {
  config: ResolvedConfig;
  instances: InstanceRegistry;
  pool: WorkerPool;
  selfOrigin(): string;
}

/** The store is read at start (a damaged file stops it, named); no upstream -> no front. */
export async function createProxy(
  options: ProxyOptions,
): Promise<{ front?: ProxyFront; control: ProxyControl }> {
  const { config, instances, pool } = options;
  const upstreams = parseUpstreams(config.upstreams);
  const hooks = await createHookStore(config.root);
  const control = { upstreams, hooks };
  if (upstreams.length === 0) return { control };
  const units = createUnits({
    root: config.root,
    selfOrigin: options.selfOrigin,
    ai: config,
    echo: !config.quiet,
  });
  return {
    front: createProxyFront({ config, upstreams, store: hooks, instances, pool, units }),
    control,
  };
}
