/** A small element builder: the dashboard needs no framework for a handful of panels. */

type Child = Node | string | number | null | undefined | false | readonly Child[];
type Listener = (event: Event) => void;
type Props = Record<string, string | number | boolean | null | undefined | Listener>;

/**
 * `h("button", { class: "primary", onclick: save }, "Save")`. `on*` props are listeners; `value`
 * and `checked` are set as properties; `false`/`null`/`undefined` leave an attribute out.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (typeof value === "function") {
      element.addEventListener(key.slice(2), value);
    } else if (key === "value" || key === "checked") {
      (element as unknown as Record<string, unknown>)[key] = value;
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** An error's message for a status line. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** A status line a screen reader announces: `say(line, "Saved")`, `say(line, error, "error")`. */
export function say(line: HTMLElement, text: unknown, kind: "info" | "error" = "info"): void {
  line.textContent = kind === "error" ? messageOf(text) : String(text);
  line.dataset.kind = kind;
}

/** A status line element (`role=status`), for `say`. */
export function statusLine(): HTMLElement {
  return h("p", { class: "status", role: "status", "aria-live": "polite" });
}
