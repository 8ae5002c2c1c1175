/**
 * `hoody-exec logs stream`: prints each Server-Sent Event's line as it arrives (not at the end),
 * coloured by its level on a terminal (none without one, or with NO_COLOR).
 */
import type { Endpoint } from "../endpoint.ts";
import { type ClientOptions, sendRequest } from "./client.ts";

const COLOURS: Record<string, string> = {
  ERROR: "\x1b[31m",
  WARN: "\x1b[33m",
  INFO: "\x1b[36m",
  DEBUG: "\x1b[90m",
  ACCESS: "\x1b[32m",
};
const LEVEL = /^\S+ \[([A-Z]+)\]/;

export function colourLine(line: string, colour: boolean): string {
  const start = colour ? COLOURS[LEVEL.exec(line)?.[1] ?? ""] : undefined;
  return start ? `${start}${line}\x1b[0m` : line;
}

export function wantsColour(
  stream: { isTTY?: boolean },
  env: Record<string, string | undefined>,
): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? "") === "";
}

/** Reads the event stream to its end, writing each `data:` line (comments and events skipped). */
export async function streamEndpoint(
  options: ClientOptions,
  endpoint: Endpoint,
  input: Record<string, unknown>,
  write: (text: string) => void = (text) => process.stdout.write(text),
  colour = wantsColour(process.stdout, process.env),
): Promise<void> {
  const response = await sendRequest(options, endpoint, input);
  if (!response.body) return;
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of response.body) {
    pending += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = pending.indexOf("\n\n")) !== -1) {
      const block = pending.slice(0, end);
      pending = pending.slice(end + 2);
      if (block.startsWith("event:")) continue;
      const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6));
      if (data.length > 0) write(`${colourLine(data.join("\n"), colour)}\n`);
    }
  }
}
