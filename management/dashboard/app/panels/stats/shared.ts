/**
 * The Stats panel's shared-state view: the instance's `shared` as pretty JSON
 * (`shared-state/get`), and a form that loads one key's value, sets it (`shared-state/set`, JSON
 * checked before sending) or deletes it or the whole state (`shared-state/clear`), each change
 * after a confirm dialog.
 */
import { call } from "../../api.ts";
import { fill, h, say, statusLine } from "../../dom.ts";

interface SharedAnswer {
  exists: boolean;
  state: unknown;
  size: number;
}

/** A modal question with Cancel and `action`; resolves true when the user confirms. */
export function confirmDialog(message: string, action: string): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "confirm", "aria-labelledby": "confirm-message" });
    dialog.append(
      h("p", { id: "confirm-message" }, message),
      h(
        "div",
        { class: "buttons" },
        h("button", { type: "button", onclick: () => dialog.close("cancel") }, "Cancel"),
        h(
          "button",
          { type: "button", class: "primary", onclick: () => dialog.close("ok") },
          action,
        ),
      ),
    );
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "ok");
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** The JSON in `text`, or an error naming where it went wrong. */
function parseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { error: `The value is not JSON: ${error instanceof Error ? error.message : error}` };
  }
}

export function sharedStateView(execId: () => string) {
  const status = statusLine();
  const view = h("pre", {
    class: "output stats-shared",
    tabindex: "0",
    "aria-label": "Shared state",
  });
  const size = h("span", { class: "muted" });
  const keys = h("datalist", { id: "stats-shared-keys" });
  const key = h("input", {
    id: "stats-shared-key",
    list: "stats-shared-keys",
    placeholder: "counter or deploy.lastSha",
    autocomplete: "off",
  });
  const value = h("textarea", { id: "stats-shared-value", rows: 5, spellcheck: "false" });

  const refresh = async () => {
    const answer = await call<SharedAnswer>("POST", "/shared-state/get", { execId: execId() });
    view.textContent = JSON.stringify(answer.state ?? {}, null, 2);
    size.textContent = `${answer.size} bytes`;
    const names = answer.state && typeof answer.state === "object" ? Object.keys(answer.state) : [];
    fill(keys, names.map((name) => h("option", { value: name })));
  };

  const act = async (work: () => Promise<string | null>) => {
    try {
      const done = await work();
      if (done !== null) {
        say(status, done);
        await refresh();
      }
    } catch (error) {
      say(status, error, "error");
    }
  };

  const load = () =>
    act(async () => {
      const path = key.value.trim();
      const answer = await call<SharedAnswer>("POST", "/shared-state/get", {
        execId: execId(),
        path: path || undefined,
      });
      if (path && !answer.exists) return `${path} is not set: type its value and Save`;
      value.value = JSON.stringify(answer.state, null, 2);
      value.removeAttribute("aria-invalid");
      return `Loaded ${path || "the whole state"}`;
    });

  const save = () =>
    act(async () => {
      const path = key.value.trim();
      if (!path) throw new Error("Name the key to set");
      const parsed = parseJson(value.value);
      if ("error" in parsed) {
        value.setAttribute("aria-invalid", "true");
        value.focus();
        throw new Error(parsed.error);
      }
      value.removeAttribute("aria-invalid");
      const shown = JSON.stringify(parsed.value);
      const short = shown.length > 80 ? `${shown.slice(0, 80)}…` : shown;
      if (!await confirmDialog(`Set ${path} in instance ${execId()} to ${short}?`, "Set")) {
        return "Not changed";
      }
      await call("POST", "/shared-state/set", { execId: execId(), path, value: parsed.value });
      return `Set ${path}`;
    });

  const remove = (whole: boolean) =>
    act(async () => {
      const path = key.value.trim();
      if (!whole && !path) throw new Error("Name the key to delete");
      const question = whole
        ? `Clear the whole shared state of instance ${execId()}?`
        : `Delete ${path} from the shared state of instance ${execId()}?`;
      if (!await confirmDialog(question, whole ? "Clear" : "Delete")) return "Not changed";
      const answer = await call<{ cleared: boolean }>("POST", "/shared-state/clear", {
        execId: execId(),
        path: whole ? undefined : path,
      });
      return answer.cleared
        ? (whole ? "Cleared the shared state" : `Deleted ${path}`)
        : "Nothing to clear";
    });

  const element = h(
    "section",
    { class: "stats-shared-state", "aria-labelledby": "stats-shared-title" },
    h("h3", { id: "stats-shared-title" }, "Shared state ", size),
    h(
      "div",
      { class: "stats-shared-grid" },
      view,
      h(
        "form",
        { class: "stats-shared-form", onsubmit: (event) => (event.preventDefault(), void save()) },
        h("label", { for: "stats-shared-key" }, "Key (dot path)"),
        h(
          "div",
          { class: "row" },
          key,
          h("button", { type: "button", onclick: () => void load() }, "Load"),
        ),
        keys,
        h("label", { for: "stats-shared-value" }, "Value (JSON)"),
        value,
        h(
          "div",
          { class: "row" },
          h("button", { type: "submit", class: "primary" }, "Save…"),
          h(
            "button",
            { type: "button", class: "danger", onclick: () => void remove(false) },
            "Delete key…",
          ),
          h(
            "button",
            { type: "button", class: "danger", onclick: () => void remove(true) },
            "Clear all…",
          ),
        ),
        status,
      ),
    ),
  );

  /** Shows the state now; a failure shows in the view's own status line until a read works. */
  let failing = false;
  const show = async () => {
    try {
      await refresh();
      if (failing) say(status, "");
      failing = false;
    } catch (error) {
      failing = true;
      say(status, error, "error");
    }
  };

  return { element, refresh: show };
}
