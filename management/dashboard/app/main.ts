/**
 * The dashboard's shell: a sign-in form when the server wants a token, the instance switcher, and
 * one tab per panel. The tab shown is the URL's hash (`#routes`), so a reload keeps it.
 */
import { adminToken, ApiError, call, onUnauthorized, setAdminToken } from "./api.ts";
import { fill, h, say, statusLine } from "./dom.ts";
import { hostInstance } from "./host.ts";
import type { PanelDetail, PanelView, Shell } from "./panel.ts";
import { PANELS } from "./panels/index.ts";

interface InstanceList {
  execIds: { id: string; files: number }[];
}

const root = h("div", { class: "app" });
document.body.append(root);

/** Asks for the admin token; resolves once the server takes it. */
function signIn(refused: boolean): Promise<void> {
  return new Promise((resolve) => {
    const input = h("input", {
      id: "admin-token",
      type: "password",
      autocomplete: "current-password",
      required: true,
    });
    const status = statusLine();
    if (refused && adminToken()) say(status, "The server refused that token", "error");
    const form = h(
      "form",
      {
        class: "sign-in",
        onsubmit: async (event) => {
          event.preventDefault();
          setAdminToken(input.value);
          try {
            await call("GET", "/list");
            resolve();
          } catch (error) {
            say(status, error, "error");
          }
        },
      },
      h("h1", {}, "hoody-exec"),
      h("p", {}, "This server wants its admin token (hoody-exec serve --admin-token)."),
      h("label", { for: "admin-token" }, "Admin token"),
      input,
      h("button", { type: "submit", class: "primary" }, "Sign in"),
      status,
    );
    fill(root, form);
    input.focus();
  });
}

async function instances(): Promise<InstanceList> {
  for (;;) {
    try {
      return await call<InstanceList>("GET", "/list");
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      await signIn(true);
    }
  }
}

function showShell(list: InstanceList): void {
  const ids = list.execIds.map((i) => i.id);
  // The instance last picked in this tab, else the one this page's host reaches (exec-2.localhost).
  const wanted = sessionStorage.getItem("hoody-exec.instance") ?? hostInstance(location.host);
  let execId = wanted && ids.includes(wanted) ? wanted : ids[0] ?? "1";
  const instanceListeners: (() => void)[] = [];
  const views = new Map<string, PanelView>();
  const tabs = new Map<string, HTMLButtonElement>();
  const main = h("main", {});
  let current: string | null = null;

  const shell: Shell = {
    execId: () => execId,
    onInstanceChange: (listener) => instanceListeners.push(listener),
    open: (panel, detail) => activate(panel, detail),
  };

  function activate(id: string, detail?: PanelDetail): void {
    const panel = PANELS.find((p) => p.id === id) ?? PANELS[0]!;
    if (current && current !== panel.id) views.get(current)?.hide?.();
    let view = views.get(panel.id);
    if (!view) {
      view = panel.create(shell);
      view.element.id = `panel-${panel.id}`;
      view.element.setAttribute("role", "tabpanel");
      view.element.setAttribute("aria-labelledby", `tab-${panel.id}`);
      views.set(panel.id, view);
      main.append(view.element);
    }
    for (const [other, element] of views) element.element.hidden = other !== panel.id;
    for (const [other, tab] of tabs) tab.setAttribute("aria-selected", String(other === panel.id));
    current = panel.id;
    if (location.hash !== `#${panel.id}`) history.replaceState(null, "", `#${panel.id}`);
    view.show(detail);
  }

  const select = h("select", {
    id: "instance",
    onchange: () => {
      execId = select.value;
      sessionStorage.setItem("hoody-exec.instance", execId);
      for (const listener of instanceListeners) listener();
    },
  }, ids.map((id) => h("option", { value: id, selected: id === execId }, id)));

  const nav = h(
    "nav",
    { role: "tablist", "aria-label": "Panels" },
    PANELS.map((panel) => {
      const tab = h("button", {
        type: "button",
        role: "tab",
        id: `tab-${panel.id}`,
        "aria-controls": `panel-${panel.id}`,
        onclick: () => activate(panel.id),
      }, panel.title);
      tabs.set(panel.id, tab);
      return tab;
    }),
  );

  const header = h(
    "header",
    {},
    h("h1", {}, "hoody-exec"),
    h("label", { for: "instance" }, "Instance"),
    select,
    nav,
    adminToken()
      ? h("button", {
        type: "button",
        onclick: () => {
          setAdminToken(null);
          location.reload();
        },
      }, "Sign out")
      : null,
  );
  fill(root, header, main);
  addEventListener("hashchange", () => activate(location.hash.slice(1)));
  activate(location.hash.slice(1));
}

async function start(): Promise<void> {
  onUnauthorized(() => {
    // A token that stops working (the server restarted with another): ask again.
    if (document.querySelector(".sign-in") === null) {
      void signIn(true).then(() => location.reload());
    }
  });
  try {
    showShell(await instances());
  } catch (error) {
    const status = statusLine();
    say(status, error, "error");
    fill(root, h("h1", {}, "hoody-exec"), status);
  }
}

void start();
