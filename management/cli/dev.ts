/** `hoody-exec dev`: `serve` plus one readable line per request. */
import type { Logger } from "../../runtime/log.ts";
import type { PipelineHooks } from "../../runtime/server/pipeline.ts";

/** Logs every request as `GET /hello -> 200 (3 ms)`. */
export function requestLog(log: Logger): PipelineHooks {
  return {
    onResponse(request, response, ms) {
      const url = new URL(request.url);
      log.info(
        `${request.method} ${url.pathname}${url.search} -> ${response.status} (${
          Math.round(ms)
        } ms)`,
      );
    },
  };
}
