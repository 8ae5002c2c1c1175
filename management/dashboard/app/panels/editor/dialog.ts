/**
 * Modal dialogs for the editor (a real `<dialog>`: focus stays inside, Escape cancels): a confirm
 * question, and a small form whose action may be refused, shown in the dialog with what was typed.
 */
import { h, say, statusLine } from "../../dom.ts";

type Child = Parameters<typeof h>[2];

export interface DialogOptions {
  title: string;
  /** The question or the form's fields. */
  body: Child[];
  /** The confirming button's text ("Delete"). */
  action: string;
  danger?: boolean;
  /** Runs on confirm; a throw shows its code and message and keeps the dialog open. */
  run?: () => Promise<void>;
}

let count = 0;

/** Opens a modal dialog; resolves true once `run` succeeded, false when cancelled. */
export function openDialog(options: DialogOptions): Promise<boolean> {
  const id = `editor-dialog-${++count}`;
  const status = statusLine();
  const dialog = h("dialog", { class: "editor-dialog", "aria-labelledby": `${id}-title` });
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: boolean) => {
      if (done) return;
      done = true;
      dialog.close();
      dialog.remove();
      resolve(result);
    };
    const confirm = h(
      "button",
      { type: "submit", class: options.danger ? "danger" : "primary" },
      options.action,
    );
    const form = h(
      "form",
      {
        onsubmit: async (event) => {
          event.preventDefault();
          confirm.disabled = true;
          try {
            await options.run?.();
            finish(true);
          } catch (error) {
            say(status, error, "error");
          } finally {
            confirm.disabled = false;
          }
        },
      },
      h("h2", { id: `${id}-title` }, options.title),
      ...options.body,
      status,
      h(
        "div",
        { class: "editor-dialog-actions" },
        h("button", { type: "button", onclick: () => finish(false) }, "Cancel"),
        confirm,
      ),
    );
    dialog.append(form);
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      finish(false);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A yes/no question: resolves true when the user confirms. */
export function confirmDialog(title: string, message: string, action: string): Promise<boolean> {
  return openDialog({ title, body: [h("p", {}, message)], action, danger: true });
}
