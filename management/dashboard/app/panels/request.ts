/**
 * The request panel: calls a user's script from the browser with a same-origin fetch at its bare
 * path (method, path with the route's parameters, query, headers, body), shows the answer as it
 * arrives, offers a WebSocket console for `@websocket` scripts, and keeps the last requests to
 * run again. The Host header picks the instance and a browser cannot set it: when the switcher
 * shows another instance than this page's host reaches, it links to the dashboard on that host.
 */
import { API_PREFIX, call } from "../api.ts";
import { fill, h, say, statusLine } from "../dom.ts";
import type { Panel, PanelDetail, Shell } from "../panel.ts";
import { loadHistory, remember, type Sent } from "./request/history.ts";
import { dashboardFor, hostInstance } from "../host.ts";
import { responseView } from "./request/response.ts";
import { type Pair, rowsEditor } from "./request/rows.ts";
import { fillPattern, patternParams, requestUrl } from "./request/url.ts";
import { socketConsole } from "./request/websocket.ts";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
const NO_BODY = new Set(["GET", "HEAD"]);

/** The instance this page's host reaches: named by the host, else the server's default. */
let pageInstance: Promise<string> | null = null;
function reachedInstance(): Promise<string> {
  const named = hostInstance(location.host);
  if (named !== null) return Promise.resolve(named);
  // No hostname, no execId: the server answers for its default instance.
  pageInstance ??= call<{ execId: string }>("POST", "/route/resolve", { path: "/" })
    .then((answer) => answer.execId)
    .catch((error) => {
      pageInstance = null;
      throw error;
    });
  return pageInstance;
}

/** Whether the script behind `path` (a file, or else a URL path resolved) has `@websocket`. */
async function hasWebSocket(execId: string, file: string | null, path: string) {
  let script = file;
  if (script === null) {
    const route = await call<{ matched: boolean; scriptPath?: string }>(
      "POST",
      "/route/resolve",
      { execId, path: path.split("?")[0] },
    );
    if (!route.matched || !route.scriptPath) return null;
    script = route.scriptPath;
  }
  const read = await call<{ comments: Record<string, string> }>(
    "GET",
    "/magic-comments/read",
    { execId, path: script },
  );
  return read.comments.websocket === "true" ? script : null;
}

export const requestPanel: Panel = {
  id: "request",
  title: "Request",
  create(shell: Shell) {
    let history: Sent[] = loadHistory();
    let pattern: string | null = null;
    let file: string | null = null;
    let paramInputs: [string, HTMLInputElement][] = [];
    let otherInstance = false;
    let checkTimer: ReturnType<typeof setTimeout> | undefined;

    const status = statusLine();
    const notice = h("div", { class: "request-notice", hidden: true });
    const method = h(
      "select",
      { id: "request-method", onchange: () => bodyState() },
      METHODS.map((m) => h("option", { value: m }, m)),
    );
    const path = h("input", {
      type: "text",
      id: "request-path",
      value: "/",
      spellcheck: "false",
      oninput: () => {
        file = null;
        // A path typed away from the route's fixed start leaves its parameters behind.
        if (pattern !== null && !path.value.startsWith(pattern.split(":")[0]!)) showParams(null);
        scheduleSocketCheck();
      },
    });
    const sendButton = h("button", {
      type: "button",
      class: "primary",
      "aria-keyshortcuts": "Control+Enter Meta+Enter",
      onclick: () => void send(),
    }, "Send");
    const params = h("fieldset", { class: "request-params", hidden: true });
    const query = rowsEditor("Query", "Query", () => scheduleSocketCheck());
    const headers = rowsEditor("Headers", "Header", () => {});
    headers.set([["content-type", "application/json"]]);
    const body = h("textarea", {
      id: "request-body",
      rows: 8,
      spellcheck: "false",
      placeholder: '{ "name": "value" }',
    });
    const bodyHint = h("span", { class: "hint" });
    const historyList = h("ol", { class: "request-history", "aria-label": "History" });

    const response = responseView((running) => {
      sendButton.disabled = running || otherInstance;
    });
    const sockets = socketConsole(() => currentUrl());

    const currentUrl = () => requestUrl(path.value, query.pairs());

    function bodyState(): void {
      const none = NO_BODY.has(method.value);
      body.disabled = none;
      bodyHint.textContent = none ? `${method.value} sends no body (nor its content-type)` : "";
    }

    function fillPath(): void {
      if (pattern === null) return;
      path.value = fillPattern(
        pattern,
        Object.fromEntries(paramInputs.map(([name, input]) => [name, input.value])),
      );
      scheduleSocketCheck();
    }

    /** The route's parameters as inputs, filled into the path as the user types. */
    function showParams(next: string | null): void {
      pattern = next;
      const list = next === null ? [] : patternParams(next);
      paramInputs = list.map((param) => [
        param.name,
        h("input", {
          type: "text",
          id: `request-param-${param.name}`,
          spellcheck: "false",
          placeholder: param.repeat === "" ? "value" : "a/b",
          oninput: fillPath,
        }),
      ]);
      params.hidden = list.length === 0;
      fill(
        params,
        h("legend", {}, "Route parameters of ", h("code", {}, next ?? "")),
        list.map((param, index) =>
          h(
            "div",
            { class: "request-param" },
            h("label", { for: `request-param-${param.name}` }, param.name),
            paramInputs[index]![1],
            param.repeat === "+" ? h("span", { class: "hint" }, "one or more segments") : null,
            param.repeat === "*" ? h("span", { class: "hint" }, "any segments, or none") : null,
          )
        ),
      );
    }

    /** Compares the switcher's instance with the one this page's host reaches. */
    async function checkInstance(): Promise<void> {
      const wanted = shell.execId();
      let reached: string;
      try {
        reached = await reachedInstance();
      } catch (error) {
        say(status, error, "error");
        return;
      }
      otherInstance = reached !== wanted;
      sendButton.disabled = otherInstance || response.running();
      sockets.allow(!otherInstance);
      notice.hidden = !otherInstance;
      if (otherInstance) {
        const url = dashboardFor(location, wanted);
        fill(
          notice,
          h(
            "p",
            {},
            `This page's host (${location.host}) reaches instance ${reached}, and a browser cannot `,
            `choose the instance (the Host header does). To call instance ${wanted}'s scripts, `,
            "open the dashboard on its host: ",
            h("a", { href: url }, url),
            `, or pick instance ${reached} above to call its scripts from here.`,
          ),
        );
      }
    }

    function scheduleSocketCheck(): void {
      clearTimeout(checkTimer);
      checkTimer = setTimeout(() => void checkSocket(), 300);
    }

    async function checkSocket(): Promise<void> {
      const wanted = path.value;
      try {
        const script = await hasWebSocket(shell.execId(), file, wanted);
        if (path.value !== wanted) return; // The user typed on: a newer check follows.
        sockets.offer(
          script !== null,
          script ? `${script} has @websocket: connect to ws://${location.host}${currentUrl()}` : "",
        );
      } catch (error) {
        sockets.offer(false, "");
        say(status, error, "error");
      }
    }

    function collect(): Sent {
      const named = (pairs: Pair[]) => pairs.filter(([name]) => name.trim() !== "");
      return {
        method: method.value,
        path: path.value,
        query: named(query.pairs()),
        headers: named(headers.pairs()),
        body: body.value,
        outcome: "",
        at: new Date().toISOString(),
      };
    }

    async function send(): Promise<void> {
      if (sendButton.disabled) return;
      const sent = collect();
      const init: RequestInit = { method: sent.method, headers: new Headers() };
      const withBody = !NO_BODY.has(sent.method) && sent.body !== "";
      try {
        for (const [name, value] of sent.headers) {
          if (!withBody && name.trim().toLowerCase() === "content-type") continue;
          (init.headers as Headers).append(name.trim(), value);
        }
      } catch (error) {
        say(status, `A header is not valid: ${(error as Error).message}`, "error");
        return;
      }
      if (withBody) init.body = sent.body;
      const url = requestUrl(sent.path, sent.query);
      if (
        url === API_PREFIX || url.startsWith(`${API_PREFIX}/`) || url.startsWith(`${API_PREFIX}?`)
      ) {
        say(
          status,
          `Scripts are never served under ${API_PREFIX}: that is the management API`,
          "error",
        );
        return;
      }
      say(status, "");
      sent.outcome = await response.run((signal) => fetch(url, { ...init, signal }));
      history = remember(history, sent);
      renderHistory();
    }

    function load(sent: Sent): void {
      method.value = sent.method;
      path.value = sent.path;
      query.set(sent.query);
      headers.set(sent.headers);
      body.value = sent.body;
      showParams(null);
      file = null;
      bodyState();
      scheduleSocketCheck();
    }

    function renderHistory(): void {
      fill(
        historyList,
        history.length === 0 ? h("li", { class: "hint" }, "Nothing sent yet") : null,
        history.map((sent) => {
          const what = `${sent.method} ${requestUrl(sent.path, sent.query)}`;
          return h(
            "li",
            {},
            h("button", {
              type: "button",
              "aria-label": `Run again: ${what}`,
              onclick: () => {
                load(sent);
                void send();
              },
            }, "Run"),
            h("button", {
              type: "button",
              "aria-label": `Load: ${what}`,
              onclick: () => load(sent),
            }, "Load"),
            h("code", {}, what),
            h("span", { class: sent.outcome.startsWith("5") ? "bad" : "hint" }, sent.outcome),
          );
        }),
      );
    }

    const element = h(
      "section",
      {
        "aria-labelledby": "request-title",
        class: "request",
        onkeydown: (event) => {
          const key = event as KeyboardEvent;
          if (key.key === "Enter" && (key.ctrlKey || key.metaKey)) {
            key.preventDefault();
            void send();
          }
        },
      },
      h("div", { class: "toolbar" }, h("h2", { id: "request-title" }, "Request")),
      notice,
      h(
        "div",
        { class: "request-grid" },
        h(
          "div",
          { class: "request-form" },
          h(
            "div",
            { class: "request-line" },
            h("label", { for: "request-method" }, "Method"),
            method,
            h("label", { for: "request-path" }, "Path"),
            path,
            sendButton,
            response.stopButton,
          ),
          status,
          params,
          query.element,
          headers.element,
          h(
            "div",
            { class: "request-body-label" },
            h("label", { for: "request-body" }, "Body"),
            bodyHint,
          ),
          body,
          h("h3", {}, "History"),
          historyList,
        ),
        h("div", { class: "request-result" }, response.element, sockets.element),
      ),
    );

    bodyState();
    renderHistory();
    shell.onInstanceChange(() => {
      void checkInstance();
      scheduleSocketCheck();
    });
    return {
      element,
      show(detail?: PanelDetail) {
        void checkInstance();
        scheduleSocketCheck();
        if (detail?.pattern) {
          showParams(detail.pattern);
          file = detail.path ?? null;
          path.value = fillPattern(detail.pattern, {});
          void checkSocket();
          (paramInputs[0]?.[1] ?? path).focus();
        }
      },
      hide() {
        response.stop();
        sockets.close();
      },
    };
  },
};
