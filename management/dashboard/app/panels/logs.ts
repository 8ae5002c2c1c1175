/**
 * The Logs tab: the shown instance's log lines live (`logs/stream`, followed with api.ts `follow`),
 * filtered by script, level or status, request and text; paused, cleared; past lines found with
 * `logs/search`; one request's lines (`logs/read` by executionId) in a side view. The stream stops
 * when the tab is hidden and starts again (the file from its start) when it is shown.
 */
import { follow } from "../api.ts";
import { h, messageOf, say, statusLine } from "../dom.ts";
import type { Panel, PanelDetail, Shell } from "../panel.ts";
import { type Filters, LEVELS, type LogLine, type LogType, parseLine } from "./logs/lines.ts";
import { SideView } from "./logs/side.ts";
import { LiveView, MAX_ROWS } from "./logs/view.ts";

type State = "following" | "paused" | "stopped";

/** The two kinds of log file, as the Log select names them. */
const TYPES: readonly [LogType, string][] = [
  ["execution", "Execution (console lines)"],
  ["access", "Access (one line per request)"],
];

/** The level select's choices: levels for console lines, status classes for requests. */
function levelOptions(type: LogType): HTMLOptionElement[] {
  const choices = type === "access"
    ? [["", "All statuses"], ...["2xx", "3xx", "4xx", "5xx"].map((s) => [s, s])]
    : [["", "All levels"], ...LEVELS.map((level) => [level, level])];
  return choices.map(([value, text]) => h("option", { value: value! }, text!));
}

/** A text input with its visible label. */
function field(id: string, label: string, placeholder: string, onInput: () => void) {
  const input = h("input", { type: "search", id, placeholder, oninput: onInput });
  return { input, parts: h("span", { class: "field" }, h("label", { for: id }, label), input) };
}

export const logsPanel: Panel = {
  id: "logs",
  title: "Logs",
  create(shell: Shell) {
    let state: State = "stopped";
    let visible = false;
    let controller: AbortController | null = null;
    /** Lines read but not yet in the view (flushed together), and those held while paused. */
    let pending: LogLine[] = [];
    let held: LogLine[] = [];
    let heldDropped = 0;
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    /** The newest line's time, and the time "Clear view" hid lines up to (the stream replays). */
    let newest = "";
    let clearedUpTo = "";
    let regexRefused = false;

    const status = statusLine();
    const count = h("span", { class: "log-count" });
    const type = h(
      "select",
      {
        id: "logs-type",
        onchange: () => {
          levelLabel.textContent = typeOf() === "access" ? "Status" : "Level";
          level.replaceChildren(...levelOptions(typeOf()));
          newest = clearedUpTo = "";
          if (visible) start();
        },
      },
      TYPES.map(([value, name]) => h("option", { value }, name)),
    );
    const typeOf = () => type.value as LogType;
    const script = field("logs-script", "Script", "hello.ts", () => refilter());
    const levelLabel = h("label", { for: "logs-level" }, "Level");
    const level = h(
      "select",
      { id: "logs-level", onchange: () => refilter() },
      levelOptions("execution"),
    );
    const request = field("logs-execution", "Request id", "execution id", () => refilter());
    const text = field("logs-text", "Text", "text or regex", () => refilter());
    const regex = h("input", { type: "checkbox", id: "logs-regex", onchange: () => refilter() });
    const pause = h("button", { type: "button", onclick: () => togglePause() }, "Pause");

    const side = new SideView((id) => void side.showRequest(shell.execId(), id));
    const live = new LiveView((id) => void side.showRequest(shell.execId(), id), () => filters());

    /** The filters as typed; a regex that does not compile matches nothing and says why. */
    function filters(): Filters {
      const base = {
        script: script.input.value.trim(),
        level: level.value,
        executionId: request.input.value.trim(),
        text: text.input.value,
      };
      let pattern: RegExp | null | undefined;
      if (regex.checked && base.text !== "") {
        try {
          pattern = new RegExp(base.text, "i");
        } catch (error) {
          say(status, `The text is not a valid regex: ${messageOf(error)}`, "error");
          regexRefused = true;
          return { ...base, pattern: null };
        }
      }
      if (regexRefused) {
        regexRefused = false;
        sayState();
      }
      return pattern === undefined ? base : { ...base, pattern };
    }

    /** The status line for the state the stream is in (a stopped stream keeps its reason). */
    function sayState(): void {
      if (state === "following") {
        say(status, `Following the ${typeOf()} log of instance ${shell.execId()}`);
      } else if (state === "paused") say(status, "Paused: new lines are held until Resume");
    }

    function report(): void {
      const filtered = live.shown !== live.total ? `, ${live.shown} shown` : "";
      const waiting = state === "paused"
        ? ` (${held.length} new held${heldDropped > 0 ? `, ${heldDropped} older dropped` : ""})`
        : "";
      count.textContent = `${live.total} line${live.total === 1 ? "" : "s"}${filtered}${waiting}`;
    }

    function refilter(): void {
      live.refilter();
      report();
    }

    function flush(): void {
      flushTimer = undefined;
      const lines = pending;
      pending = [];
      live.add(lines);
      report();
    }

    function receive(data: string): void {
      const line = parseLine(data);
      if (line.time !== "" && line.time <= clearedUpTo) return;
      if (line.time > newest) newest = line.time;
      if (state === "paused") {
        held.push(line);
        if (held.length > MAX_ROWS) heldDropped += held.splice(0, held.length - MAX_ROWS).length;
        report();
        return;
      }
      pending.push(line);
      if (pending.length > 2 * MAX_ROWS) pending.splice(0, pending.length - MAX_ROWS);
      flushTimer ??= setTimeout(flush, 0);
    }

    function setState(next: State): void {
      state = next;
      pause.textContent = next === "following" ? "Pause" : "Resume";
      report();
    }

    function stop(): void {
      controller?.abort();
      controller = null;
      if (flushTimer !== undefined) clearTimeout(flushTimer);
      flushTimer = undefined;
      pending = [];
      held = [];
      heldDropped = 0;
    }

    /** Follows the newest file of the chosen kind, from its first line, into an empty view. */
    function start(): void {
      stop();
      const abort = new AbortController();
      controller = abort;
      const execId = shell.execId();
      live.reset(typeOf());
      setState("following");
      sayState();
      const ended = (why: unknown) => {
        if (abort.signal.aborted) return;
        controller = null;
        setState("stopped");
        say(status, `The stream stopped (${messageOf(why)}); Resume follows again`, "error");
      };
      follow("/logs/stream", { execId, type: typeOf() }, (event) => {
        if (abort.signal.aborted) return;
        if (event.event === "error") ended(new Error(event.data));
        else receive(event.data);
      }, abort.signal).then(() => ended("the server ended it"), ended);
    }

    function togglePause(): void {
      if (state === "stopped") return start();
      if (state === "following") {
        setState("paused");
        sayState();
        return;
      }
      const lines = held;
      held = [];
      heldDropped = 0;
      live.add(lines);
      setState("following");
      sayState();
    }

    function clearView(): void {
      clearedUpTo = newest;
      held = [];
      heldDropped = 0;
      live.reset();
      report();
      say(status, "Cleared the view (the log files are kept)");
    }

    function search(): void {
      if (text.input.value === "") {
        say(status, "Type a text (or a regex) to search the past lines for", "error");
        text.input.focus();
        return;
      }
      void side.showSearch(shell.execId(), {
        text: text.input.value,
        regex: regex.checked,
        caseSensitive: false,
      });
    }

    const element = h(
      "section",
      { "aria-labelledby": "logs-title", class: "logs" },
      h(
        "div",
        { class: "toolbar" },
        h("h2", { id: "logs-title" }, "Logs"),
        h("label", { for: "logs-type" }, "Log"),
        type,
        pause,
        h("button", { type: "button", onclick: () => clearView() }, "Clear view"),
        count,
      ),
      h(
        "form",
        {
          class: "toolbar log-filters",
          "aria-label": "Filters",
          onsubmit: (event: Event) => {
            event.preventDefault();
            search();
          },
        },
        script.parts,
        h("span", { class: "field" }, levelLabel, level),
        request.parts,
        text.parts,
        h("span", { class: "field" }, regex, h("label", { for: "logs-regex" }, "Regex")),
        h("button", { type: "submit" }, "Search past lines"),
      ),
      status,
      h("div", { class: "log-body" }, live.element, side.element),
    );

    shell.onInstanceChange(() => {
      side.close();
      newest = clearedUpTo = "";
      if (visible) start();
    });
    return {
      element,
      show(detail?: PanelDetail) {
        // Shown again while it still follows (another panel opening a request): keep the stream.
        if (!visible || state === "stopped") start();
        visible = true;
        if (detail?.executionId) void side.showRequest(shell.execId(), detail.executionId);
      },
      hide() {
        visible = false;
        stop();
        setState("stopped");
        say(status, "Stopped while another tab is shown");
      },
    };
  },
};
