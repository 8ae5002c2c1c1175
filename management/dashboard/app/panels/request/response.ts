/**
 * The answer to one request: status, headers, timing (to headers, total) and the body as it
 * arrives. JSON is pretty-printed once complete; a streamed body shows each chunk as it comes; a
 * binary one only its size and type. The Stop button aborts the request.
 */
import { fill, h, say, statusLine } from "../../dom.ts";
import { bodyKind, prettyJson, sizeOf } from "./url.ts";

/** Text shown in the body box at most; past it the rest is counted, not shown. */
const SHOWN_CHARS = 2_000_000;

export interface ResponseView {
  readonly element: HTMLElement;
  /** The Stop button, for the panel's toolbar. */
  readonly stopButton: HTMLButtonElement;
  /** Whether a request is running. */
  running(): boolean;
  /** Sends with `send` and shows the answer; resolves to a short outcome for the history. */
  run(send: (signal: AbortSignal) => Promise<Response>): Promise<string>;
  stop(): void;
}

const ms = (from: number) => `${Math.round(performance.now() - from)} ms`;

export function responseView(onRunning: (running: boolean) => void): ResponseView {
  let controller: AbortController | null = null;
  const status = statusLine();
  const code = h("output", { class: "request-code", "aria-label": "Response status" });
  const timing = h("output", { class: "request-timing", "aria-label": "Timing" });
  const headers = h("tbody");
  const headerCount = h("span", {}, "0");
  const body = h("pre", {
    class: "output request-body",
    tabindex: "0",
    role: "region",
    "aria-label": "Response body",
  });
  const stopButton = h("button", {
    type: "button",
    disabled: true,
    onclick: () => controller?.abort(),
  }, "Stop");

  const setRunning = (next: AbortController | null) => {
    controller = next;
    stopButton.disabled = next === null;
    onRunning(next !== null);
  };

  const showHead = (response: Response, started: number) => {
    code.textContent = `${response.status} ${response.statusText}`.trim();
    code.className = `request-code ${response.status >= 400 ? "bad" : "good"}`;
    timing.textContent = `headers in ${ms(started)}`;
    if (response.redirected) timing.textContent += ` · redirected to ${response.url}`;
    const pairs = [...response.headers];
    headerBox.hidden = false;
    headerCount.textContent = String(pairs.length);
    fill(
      headers,
      pairs.map(([name, value]) =>
        h("tr", {}, h("th", { scope: "row" }, name), h("td", {}, h("code", {}, value)))
      ),
    );
  };

  /** Reads the body chunk by chunk, showing text as it comes; returns the bytes read. */
  const readBody = async (response: Response, started: number): Promise<void> => {
    const type = response.headers.get("content-type");
    const kind = bodyKind(type);
    if (!response.body) {
      say(status, `No body · total ${ms(started)}`);
      return;
    }
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let bytes = 0;
    let chunks = 0;
    let text = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      chunks += 1;
      if (kind === "binary") {
        body.textContent = `${sizeOf(bytes)} of ${type} so far (binary: not shown)`;
      } else if (text.length < SHOWN_CHARS) {
        const more = decoder.decode(value, { stream: true });
        text += more;
        body.append(more);
      }
      say(status, `Receiving… ${chunks} chunk${chunks === 1 ? "" : "s"}, ${sizeOf(bytes)}`);
    }
    if (kind === "binary") body.textContent = `${sizeOf(bytes)} of ${type} (binary: not shown)`;
    else if (kind === "json") body.textContent = prettyJson(text + decoder.decode());
    const cut = text.length >= SHOWN_CHARS ? " (only the start shown)" : "";
    timing.textContent += ` · total ${ms(started)}`;
    say(status, `Done: ${chunks} chunk${chunks === 1 ? "" : "s"}, ${sizeOf(bytes)}${cut}`);
  };

  const run = async (send: (signal: AbortSignal) => Promise<Response>): Promise<string> => {
    const mine = new AbortController();
    setRunning(mine);
    const started = performance.now();
    body.textContent = "";
    code.textContent = "";
    timing.textContent = "";
    fill(headers);
    headerBox.hidden = true;
    say(status, "Sending…");
    let outcome = "";
    try {
      const response = await send(mine.signal);
      outcome = String(response.status);
      showHead(response, started);
      await readBody(response, started);
    } catch (error) {
      if (mine.signal.aborted) {
        outcome = outcome ? `${outcome}, stopped` : "stopped";
        timing.textContent += ` · stopped after ${ms(started)}`;
        say(status, "Stopped");
      } else {
        outcome = outcome || "failed";
        say(status, `The request failed: ${(error as Error).message ?? error}`, "error");
      }
    } finally {
      setRunning(null);
    }
    return outcome;
  };

  const headerBox = h(
    "details",
    { class: "request-headers", hidden: true },
    h("summary", {}, "Headers (", headerCount, ")"),
    h("table", {}, headers),
  );
  say(status, "Nothing sent yet: the answer shows here");
  const element = h(
    "section",
    { class: "request-response", "aria-label": "Response" },
    h("h3", {}, "Response"),
    h("div", { class: "request-head" }, code, timing),
    status,
    headerBox,
    body,
  );
  return {
    element,
    stopButton,
    running: () => controller !== null,
    run,
    stop: () => controller?.abort(),
  };
}
