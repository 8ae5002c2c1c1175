import type { Bytes } from "../protocol/messages.ts";

/** A streamed response arriving from a Worker, as the ReadableStream the HTTP server reads. */
export interface InboundStream {
  readonly stream: ReadableStream<Uint8Array>;
  push(bytes: Bytes): void;
  /** No more chunks; with an error the client's body breaks off. */
  end(error?: Error): void;
}

/**
 * Pull-driven: a chunk leaves the queue only when the HTTP server reads (as the client takes
 * bytes), and only then is it acknowledged to the Worker, which stops at a window of unread
 * bytes. So the queue here holds at most that window. A client that goes away cancels the stream.
 */
export function createInboundStream(
  ack: (bytes: number) => void,
  cancel: () => void,
): InboundStream {
  const queue: Bytes[] = [];
  let wake: (() => void) | null = null;
  let finished = false;
  let failure: Error | undefined;
  const notify = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (queue.length === 0 && !finished) {
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const chunk = queue.shift();
      if (chunk) {
        controller.enqueue(chunk);
        ack(chunk.byteLength);
      } else if (failure) controller.error(failure);
      else controller.close();
    },
    cancel() {
      if (finished) return;
      finished = true;
      queue.length = 0;
      notify();
      cancel();
    },
  }, { highWaterMark: 0 });
  return {
    stream,
    push(bytes) {
      if (finished) return;
      queue.push(bytes);
      notify();
    },
    end(error) {
      if (finished) return;
      finished = true;
      failure = error;
      notify();
    },
  };
}
