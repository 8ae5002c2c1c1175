import type { PipelineHooks } from "./pipeline.ts";

/** Several observers of the front as one: each hook calls every part that has it, in order. */
export function combineHooks(...parts: (PipelineHooks | undefined)[]): PipelineHooks {
  const present = parts.filter((p): p is PipelineHooks => p !== undefined);
  const onResponse = present.flatMap((p) => p.onResponse ? [p.onResponse.bind(p)] : []);
  const onRequest = present.flatMap((p) => p.onRequest ? [p.onRequest.bind(p)] : []);
  const hooks: PipelineHooks = {};
  if (onResponse.length === 1) hooks.onResponse = onResponse[0];
  else if (onResponse.length > 1) {
    hooks.onResponse = (request, response, ms) => {
      for (const hook of onResponse) hook(request, response, ms);
    };
  }
  if (onRequest.length === 1) hooks.onRequest = onRequest[0];
  else if (onRequest.length > 1) {
    hooks.onRequest = (record) => {
      for (const hook of onRequest) hook(record);
    };
  }
  return hooks;
}
