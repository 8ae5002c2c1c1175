/**
 * `logs/stream`: a log file's lines as Server-Sent Events, then (with `follow`) each new complete
 * line as it is written. Polls (a stat every 250 ms: the same on Bun and Deno, and it sees
 * rotation by name): when a newer file of the same kind appears, the rest of the current one is
 * sent and the stream goes on in the next. The client going away cancels the stream, which stops
 * the timer; nothing else is left behind.
 */
import { open } from "node:fs/promises";
import { compareLogFiles, listLogFiles, type LogFile, type LogType } from "./files.ts";

export interface FollowOptions {
  folder: string;
  type: LogType;
  /** The file to start with; null: the kind's newest, or the first to appear. */
  start: LogFile | null;
  follow: boolean;
  pollMs?: number;
}

/** At most this much is read per poll, so a huge file streams in steps, not at once. */
const STEP_BYTES = 1 << 20;
/** A comment after this many quiet polls (~15 s): keeps proxies open, shows a gone client. */
const PING_EVERY = 60;

let following = 0;
/** Streams now following a file (a test sees them end). */
export const activeFollowers = (): number => following;

interface Read {
  lines: string[];
  next: number;
  /** The step's size cut the read short: more complete lines may be waiting. */
  more: boolean;
}

/** The complete lines of `path` from byte `offset`, and the offset after the last of them. */
async function readFrom(path: string, offset: number): Promise<Read> {
  let handle;
  try {
    handle = await open(path, "r");
  } catch {
    return { lines: [], next: offset, more: false };
  }
  try {
    const size = (await handle.stat()).size;
    if (size < offset) offset = 0; // Truncated or replaced: start it again.
    const length = Math.min(size - offset, STEP_BYTES);
    if (length <= 0) return { lines: [], next: offset, more: false };
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, offset);
    const end = buffer.subarray(0, bytesRead).lastIndexOf(10);
    const more = length === STEP_BYTES;
    if (end === -1) return { lines: [], next: offset, more: false };
    const text = new TextDecoder().decode(buffer.subarray(0, end));
    return { lines: text.split("\n"), next: offset + end + 1, more };
  } finally {
    await handle.close();
  }
}

const encoder = new TextEncoder();
const event = (line: string) => encoder.encode(`data: ${line}\n\n`);
const comment = (text: string) => encoder.encode(`: ${text}\n\n`);

export function followLog(options: FollowOptions): ReadableStream<Uint8Array> {
  const pollMs = options.pollMs ?? 250;
  let current = options.start;
  let offset = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let quiet = 0;
  following++;
  const stop = () => {
    if (closed) return;
    closed = true;
    following--;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };

  /** Sends what was read; true when the read was cut short. */
  function send(controller: ReadableStreamDefaultController<Uint8Array>, read: Read): boolean {
    offset = read.next;
    for (const line of read.lines) controller.enqueue(event(line));
    if (read.lines.length > 0) quiet = 0;
    return read.more;
  }

  /** One poll; true when there is more to send at once. */
  async function step(controller: ReadableStreamDefaultController<Uint8Array>): Promise<boolean> {
    if (!current) {
      current = (await listLogFiles(options.folder, options.type)).at(-1) ?? null;
      if (!current) return false;
      offset = 0;
      controller.enqueue(comment(`file ${current.name}`));
    }
    if (send(controller, await readFrom(current.path, offset))) return true;
    if (!options.follow) return false;
    // Rotation: a newer file of this kind. Lines written to this one just before it appeared are
    // read once more before moving on.
    const newer = (await listLogFiles(options.folder, options.type))
      .find((f) => compareLogFiles(f, current!) > 0);
    if (newer) {
      if (send(controller, await readFrom(current.path, offset))) return true;
      current = newer;
      offset = 0;
      controller.enqueue(comment(`file ${newer.name}`));
      return true;
    }
    if (++quiet >= PING_EVERY) {
      quiet = 0;
      controller.enqueue(comment("ping"));
    }
    return false;
  }

  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (current) controller.enqueue(comment(`file ${current.name}`));
      const tick = async () => {
        timer = undefined;
        if (closed) return;
        let more = false;
        try {
          more = (controller.desiredSize ?? 1) > 0 ? await step(controller) : false;
        } catch (error) {
          if (closed) return;
          controller.enqueue(encoder.encode(`event: error\ndata: ${String(error)}\n\n`));
          stop();
          controller.close();
          return;
        }
        if (closed) return;
        if (!options.follow && !more) {
          stop();
          controller.close();
          return;
        }
        timer = setTimeout(tick, more ? 0 : pollMs);
      };
      void tick();
    },
    cancel: stop,
  }, { highWaterMark: 64 });
}
