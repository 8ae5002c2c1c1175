/** `hoody-exec dev`: `serve` plus one readable line per request. */
import { getAdapter } from "../../runtime/adapter/index.ts";
import type { Adapter } from "../../runtime/adapter/types.ts";
import type { Logger } from "../../runtime/log.ts";

/**
 * Wraps the runtime adapter's `serve` so every request is logged as `GET /hello -> 200 (3 ms)`.
 * Done here, around the adapter, because the request pipeline has no hook for it (yet).
 */
export async function addRequestLog(log: Logger): Promise<void> {
  const adapter: Adapter = await getAdapter();
  const serve = adapter.serve.bind(adapter);
  adapter.serve = (options) =>
    serve({
      ...options,
      fetch: async (request, clientIp, upgrade) => {
        const started = performance.now();
        const url = new URL(request.url);
        const line = (status: number | string) =>
          log.info(
            `${request.method} ${url.pathname}${url.search} -> ${status} (${
              Math.round(performance.now() - started)
            } ms)`,
          );
        try {
          const response = await options.fetch(request, clientIp, upgrade);
          line(response.status);
          return response;
        } catch (error) {
          line("failed");
          throw error;
        }
      },
    });
}
