/**
 * The WebSocket console for `@websocket` scripts: connects to `ws(s)://<this host>/<path>`, sends
 * text, and lists every message in and out with its time, and how the socket closed.
 */
import { h, say, statusLine } from "../../dom.ts";
import { sizeOf } from "./url.ts";

export interface SocketConsole {
  readonly element: HTMLElement;
  /** Shows or hides the console (for a script with `@websocket`), closing it when hidden. */
  offer(available: boolean, reason: string): void;
  /** Whether connecting is allowed (not when the page reaches another instance). */
  allow(allowed: boolean): void;
  close(): void;
}

const clock = () => new Date().toISOString().slice(11, 23);

/** `urlOf()` is the path and query to connect to, read when Connect is pressed. */
export function socketConsole(urlOf: () => string): SocketConsole {
  let socket: WebSocket | null = null;
  let allowed = true;
  const status = statusLine();
  const log = h("ol", { class: "request-ws-log", "aria-label": "WebSocket messages" });
  const message = h("input", {
    type: "text",
    id: "request-ws-message",
    spellcheck: "false",
    disabled: true,
    onkeydown: (event) => {
      const key = event as KeyboardEvent;
      if (key.key === "Enter" && !key.ctrlKey && !key.metaKey) {
        key.preventDefault();
        send();
      }
    },
  });
  const line = (direction: "in" | "out" | "note", text: string) => {
    const arrow = { in: "←", out: "→", note: "•" }[direction];
    log.append(
      h(
        "li",
        { class: `ws-${direction}` },
        h("time", {}, clock()),
        h("span", { "aria-hidden": "true" }, arrow),
        h("code", {}, text),
      ),
    );
    log.scrollTop = log.scrollHeight;
  };

  const buttons = {
    connect: h("button", { type: "button", onclick: () => connect() }, "Connect"),
    send: h("button", { type: "button", disabled: true, onclick: () => send() }, "Send message"),
    close: h(
      "button",
      { type: "button", disabled: true, onclick: () => socket?.close(1000) },
      "Close",
    ),
  };
  const refresh = () => {
    const open = socket?.readyState === WebSocket.OPEN;
    buttons.connect.disabled = socket !== null || !allowed;
    buttons.send.disabled = !open;
    buttons.close.disabled = socket === null;
    message.disabled = !open;
  };

  function connect(): void {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const url = `${scheme}//${location.host}${urlOf()}`;
    let opened: WebSocket;
    try {
      opened = new WebSocket(url);
    } catch (error) {
      say(status, error, "error");
      return;
    }
    socket = opened;
    say(status, `Connecting to ${url}…`);
    opened.binaryType = "arraybuffer";
    opened.onopen = () => {
      line("note", `connected to ${url}`);
      say(status, "Open");
      refresh();
      message.focus();
    };
    opened.onmessage = (event) => {
      const data = event.data;
      line("in", typeof data === "string" ? data : `binary, ${sizeOf(data.byteLength)}`);
    };
    opened.onerror = () => {
      say(status, "WebSocket error: the server refused or dropped the connection", "error");
    };
    opened.onclose = (event) => {
      const why = `closed ${event.code}${event.reason ? `: ${event.reason}` : ""}`;
      line("note", why);
      if (event.code !== 1000) say(status, `WebSocket ${why}`, "error");
      else say(status, "Closed");
      if (socket === opened) socket = null;
      refresh();
    };
    refresh();
  }

  function send(): void {
    if (socket?.readyState !== WebSocket.OPEN) return;
    socket.send(message.value);
    line("out", message.value);
    message.value = "";
  }

  const hint = h("p", { class: "hint" });
  const element = h(
    "section",
    { class: "request-ws", "aria-label": "WebSocket", hidden: true },
    h("h3", {}, "WebSocket"),
    hint,
    h("div", { class: "toolbar" }, buttons.connect, buttons.close),
    h(
      "div",
      { class: "toolbar" },
      h("label", { for: "request-ws-message" }, "Message"),
      message,
      buttons.send,
    ),
    status,
    log,
  );
  return {
    element,
    offer(available, reason) {
      element.hidden = !available;
      hint.textContent = reason;
      if (!available) socket?.close(1000);
    },
    allow(next) {
      allowed = next;
      refresh();
    },
    close: () => socket?.close(1000),
  };
}
