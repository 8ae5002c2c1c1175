/**
 * The open file's version history: `scripts/versions` lists it, **Show** reads one
 * (`scripts/versions/read`), **Roll back** makes it live again (`scripts/rollback`, after a confirm,
 * with the editor's hash as `ifMatch` so a stale rollback is refused like a stale save).
 */
import { call } from "../../api.ts";
import { fill, h, say, statusLine } from "../../dom.ts";
import { confirmDialog } from "./dialog.ts";

interface Version {
  version: number;
  time: string;
  size: number;
  change: string;
  hash: string;
}

/** The file the history is of, and what the editor holds of it (no hash: not open, or deleted). */
export interface HistoryTarget {
  execId: string;
  path: string;
  hash: string;
  dirty: boolean;
}

export interface History {
  readonly element: HTMLElement;
  load(target: HistoryTarget | null): Promise<void>;
}

function when(iso: string): string {
  const date = new Date(iso);
  return date.toLocaleString(undefined, { dateStyle: "short", timeStyle: "medium" });
}

export function createHistory(
  /** The latest the editor knows of the file (its hash after a save, whether it has edits). */
  freshen: (file: HistoryTarget) => HistoryTarget,
  onRolledBack: (file: HistoryTarget) => Promise<void>,
): History {
  const status = statusLine();
  const list = h("ol", { class: "editor-versions", reversed: true });
  const preview = h("div", { class: "editor-preview" });
  // Loads overlap (a save and a rollback each start one): only the latest renders, and a
  // rollback's note stays in its status line rather than the count that load would show.
  let latest = 0;
  let note: string | null = null;

  const show = async (file: HistoryTarget, version: Version) => {
    try {
      const read = await call<{ content: string }>("GET", "/scripts/versions/read", {
        execId: file.execId,
        path: file.path,
        version: version.version,
      });
      fill(
        preview,
        h(
          "div",
          { class: "toolbar" },
          h("h3", { id: "editor-preview-title" }, `Version ${version.version}`),
          h("button", { type: "button", onclick: () => fill(preview) }, "Close version"),
        ),
        h("pre", { class: "output", "aria-labelledby": "editor-preview-title" }, read.content),
      );
    } catch (error) {
      say(status, error, "error");
    }
  };

  const rollback = async (file: HistoryTarget, version: Version) => {
    const question = `Make version ${version.version} of ${file.path} live again?` +
      (file.dirty ? " Your unsaved changes in the editor will be replaced." : "");
    if (!await confirmDialog("Roll back", question, "Roll back")) return;
    try {
      await call("POST", "/scripts/rollback", {
        execId: file.execId,
        path: file.path,
        version: version.version,
        ifMatch: file.hash || undefined,
      });
      latest += 1; // what a load from before the rollback lists is stale now
      note = `Rolled back to version ${version.version}`;
      say(status, note);
      await onRolledBack(file);
    } catch (error) {
      say(status, error, "error");
    }
  };

  const row = (file: HistoryTarget, version: Version) =>
    h(
      "li",
      { "data-version": version.version },
      h(
        "span",
        { class: "editor-version-text" },
        h("strong", {}, `v${version.version}`),
        ` ${when(version.time)} · ${version.change} · ${version.size} B`,
      ),
      h("span", { class: "actions" }, [
        h("button", {
          type: "button",
          "aria-label": `Show version ${version.version}`,
          onclick: () => void show(file, version),
        }, "Show"),
        h("button", {
          type: "button",
          "aria-label": `Roll back to version ${version.version}`,
          onclick: () => void rollback(freshen(file), version),
        }, "Roll back"),
      ]),
    );

  const load = async (file: HistoryTarget | null) => {
    const turn = ++latest;
    fill(preview);
    if (!file) {
      fill(list);
      say(status, "Open a file to see its versions");
      return;
    }
    try {
      const answer = await call<{ versions: Version[]; current: unknown }>(
        "GET",
        "/scripts/versions",
        {
          execId: file.execId,
          path: file.path,
        },
      );
      if (turn !== latest) return;
      fill(list, answer.versions.map((version) => row(file, version)));
      say(
        status,
        note ??
          (answer.current === null
            ? `${file.path} is deleted: Roll back brings a version back`
            : answer.versions.length === 0
            ? "No versions yet: each save keeps the content it replaces"
            : `${answer.versions.length} earlier version(s) of ${file.path}`),
      );
      note = null;
    } catch (error) {
      if (turn !== latest) return;
      fill(list);
      say(status, error, "error");
    }
  };

  const element = h(
    "section",
    { class: "editor-history", "aria-labelledby": "editor-history-title" },
    h("h3", { id: "editor-history-title" }, "History"),
    status,
    list,
    preview,
  );
  return { element, load };
}
