import type { HoodySse, HoodySseEvent as SseEvent } from "../../types/script.d.ts";

const encoder = new TextEncoder();

/** One event in the text/event-stream format; data that is not a string is written as JSON. */
export function formatSse(event: SseEvent): string {
  if (typeof event === "string") return dataLines(event) + "\n";
  let out = "";
  if (event.comment !== undefined) out += `: ${String(event.comment).replace(/[\r\n]+/g, " ")}\n`;
  if (event.event !== undefined) out += `event: ${oneLine(event.event)}\n`;
  if (event.id !== undefined) out += `id: ${oneLine(String(event.id))}\n`;
  if (event.retry !== undefined) out += `retry: ${Math.max(0, Math.floor(event.retry))}\n`;
  if (event.data !== undefined) {
    out += dataLines(typeof event.data === "string" ? event.data : JSON.stringify(event.data));
  }
  return out + "\n";
}

/**
 * `sse(source)`: a streamed `text/event-stream` Response from an async (or plain) iterable of
 * events. The client's disconnect ends the source (its `return()` runs: a generator's `finally`).
 */
export const sse: HoodySse = (source, init = {}) => {
  const iterator = Symbol.asyncIterator in source
    ? (source as AsyncIterable<SseEvent>)[Symbol.asyncIterator]()
    : (source as Iterable<SseEvent>)[Symbol.iterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const step = await iterator.next();
      if (step.done) controller.close();
      else controller.enqueue(encoder.encode(formatSse(step.value)));
    },
    async cancel() {
      await iterator.return?.();
    },
  }, { highWaterMark: 0 });
  const headers = new Headers(init.headers);
  if (!headers.has("content-type")) headers.set("content-type", "text/event-stream; charset=utf-8");
  if (!headers.has("cache-control")) headers.set("cache-control", "no-cache");
  return new Response(body, { ...init, headers });
};

function dataLines(text: string): string {
  return text.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`).join("");
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}
