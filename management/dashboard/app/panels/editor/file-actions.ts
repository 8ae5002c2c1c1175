/**
 * The open file's Rename (`scripts/move`) and Delete (`scripts/delete` with `confirm`) dialogs: each
 * asks first, and a refusal shows in the dialog with what was typed.
 */
import { call } from "../../api.ts";
import { h } from "../../dom.ts";
import { openDialog } from "./dialog.ts";

interface Target {
  execId: string;
  path: string;
}

/** Asks for the new path and moves the file there; resolves to it, or null when cancelled. */
export async function renameDialog(target: Target): Promise<string | null> {
  const to = h("input", { id: "editor-rename-to", required: true, value: target.path });
  const moved = await openDialog({
    title: `Rename ${target.path}`,
    body: [
      h("div", { class: "editor-field" }, h("label", { for: "editor-rename-to" }, "New path"), to),
    ],
    action: "Rename",
    run: async () => {
      await call("POST", "/scripts/move", {
        execId: target.execId,
        from: target.path,
        to: to.value.trim(),
      });
    },
  });
  return moved ? to.value.trim() : null;
}

/** Asks, then deletes the file; resolves true once it is gone. */
export function deleteDialog(target: Target, dirty: boolean): Promise<boolean> {
  const question = `Delete ${target.path} from instance ${target.execId}? ` +
    "It stops serving at once; its versions are kept (History can bring it back)." +
    (dirty ? " Your unsaved changes are lost." : "");
  return openDialog({
    title: "Delete file",
    body: [h("p", {}, question)],
    action: "Delete",
    danger: true,
    run: async () => {
      await call("DELETE", "/scripts/delete", {
        execId: target.execId,
        path: target.path,
        confirm: true,
      });
    },
  });
}
