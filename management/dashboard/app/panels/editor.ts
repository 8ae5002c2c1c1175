/**
 * The script editor: the instance's files, one open in CodeMirror (`scripts/read`, keeping its
 * hash), checked by the server while typing and on **Check** (`validate/script` with the type
 * check), saved with `scripts/write` + `ifMatch` (Ctrl/Cmd+S), new from a template, renamed,
 * deleted, and its version history. Nothing typed is dropped on a refused save.
 */
import { call } from "../api.ts";
import { fill, h, say, statusLine } from "../dom.ts";
import type { Panel, PanelDetail, Shell } from "../panel.ts";
import { createCodeEditor, type Problem } from "./editor/codemirror.ts";
import { confirmDialog } from "./editor/dialog.ts";
import { deleteDialog, renameDialog } from "./editor/file-actions.ts";
import { createFileList } from "./editor/files.ts";
import { createHistory } from "./editor/history.ts";
import { newFileDialog } from "./editor/new-file.ts";
import { checkScript, problemsOfRefusal, refusalText } from "./editor/problems.ts";

/** The file in the editor: where it lives, the hash it had when read or saved, and that text. */
interface OpenFile {
  execId: string;
  path: string;
  hash: string;
  saved: string;
}

/** How long typing pauses before the server checks the text. */
const CHECK_DELAY_MS = 600;

function problemItem(problem: Problem, reveal: (p: Problem) => void): HTMLElement {
  const where = problem.line > 0 ? `${problem.line}:${problem.column}` : "–";
  const text = [
    h("span", { class: "editor-where" }, where),
    h("span", { class: "editor-severity" }, problem.severity),
    h("span", { class: "editor-source" }, problem.source),
    h("span", {}, problem.message),
  ];
  return h(
    "li",
    { "data-severity": problem.severity },
    problem.line > 0
      ? h(
        "button",
        { type: "button", class: "editor-problem", onclick: () => reveal(problem) },
        text,
      )
      : text,
  );
}

function createEditorPanel(shell: Shell) {
  let file: OpenFile | null = null;
  let checks = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const status = statusLine();
  const checkStatus = statusLine();
  const problemList = h("ul", { class: "editor-problems", "aria-labelledby": "editor-problems" });
  const where = h("code", { id: "editor-path" }, "No file open");
  const dirtyMark = h("span", { class: "editor-dirty", hidden: true }, "unsaved changes");
  const host = h("div", { class: "editor-cm" });
  const editor = createCodeEditor(host, () => changed());
  const dirty = () => file !== null && editor.text() !== file.saved;

  const showProblems = (problems: readonly Problem[]) => {
    editor.showProblems(problems);
    fill(problemList, problems.map((p) => problemItem(p, editor.reveal)));
  };

  const files = createFileList((path) => void openFile(path));
  const history = createHistory(
    (target) =>
      file && file.path === target.path && file.execId === target.execId
        ? { ...file, dirty: dirty() }
        : target,
    async (target) => await openFile(target.path, { execId: target.execId, force: true }),
  );

  const button = (label: string, onclick: () => void, kind = "") =>
    h("button", { type: "button", class: kind, onclick }, label);
  const checkButton = button("Check", () => void check());
  const saveButton = button("Save", () => void save(), "primary");
  const renameButton = button("Rename", () => void rename());
  const deleteButton = button("Delete", () => void remove(), "danger");
  const reloadButton = button("Reload", () => void reload());
  const typecheck = h("input", { type: "checkbox", id: "editor-typecheck", checked: true });

  const update = () => {
    where.textContent = file ? `${file.path} (instance ${file.execId})` : "No file open";
    dirtyMark.hidden = !dirty();
    for (const b of [checkButton, saveButton, renameButton, deleteButton, reloadButton]) {
      b.disabled = file === null;
    }
    files.mark(file && file.execId === shell.execId() ? file.path : null);
  };

  function changed(): void {
    update();
    clearTimeout(timer);
    timer = setTimeout(() => void check(), CHECK_DELAY_MS);
  }

  /** Runs the server's checks on the text; only the latest run's answer is shown. */
  async function check(): Promise<void> {
    clearTimeout(timer);
    if (!file) return;
    const run = ++checks;
    const text = editor.text();
    say(checkStatus, "Checking…");
    try {
      const result = await checkScript(file.execId, file.path, text);
      if (run !== checks) return;
      showProblems(result.problems);
      say(checkStatus, result.message, result.problems.length > 0 ? "error" : "info");
    } catch (error) {
      if (run === checks) say(checkStatus, error, "error");
    }
  }

  /** Asks before dropping unsaved text; true when there is none or the user lets it go. */
  const mayDiscard = async (what: string) =>
    !dirty() ||
    await confirmDialog(
      "Unsaved changes",
      `${file?.path} has unsaved changes. ${what} anyway and lose them?`,
      "Discard changes",
    );

  async function openFile(
    path: string,
    options: { execId?: string; force?: boolean } = {},
  ): Promise<void> {
    const execId = options.execId ?? shell.execId();
    if (!options.force && !await mayDiscard(`Open ${path}`)) return;
    try {
      const read = await call<{ content: string; hash: string }>("GET", "/scripts/read", {
        execId,
        path,
      });
      file = { execId, path, hash: read.hash, saved: read.content };
      editor.load(read.content, path);
      showProblems([]);
      say(status, `Opened ${path}`);
      update();
      void history.load({ ...file, dirty: false });
      void check();
    } catch (error) {
      say(status, error, "error");
    }
  }

  async function save(): Promise<void> {
    if (!file || saveButton.disabled) return;
    const target = file;
    const text = editor.text();
    saveButton.disabled = true;
    say(status, `Saving ${target.path}…`);
    try {
      const written = await call<{ hash: string }>("POST", "/scripts/write", {
        execId: target.execId,
        path: target.path,
        content: text,
        typecheck: typecheck.checked,
        ifMatch: target.hash,
      });
      target.hash = written.hash;
      target.saved = text;
      say(status, `Saved ${target.path}: the new version is serving`);
      void history.load({ ...target, dirty: dirty() });
      void check();
    } catch (error) {
      refused(error, text);
    } finally {
      saveButton.disabled = false;
      update();
    }
  }

  /** A refused save: the API's code and message, its diagnostics; the text stays as typed. */
  function refused(error: unknown, text: string): void {
    say(status, refusalText(error), "error");
    const problems = problemsOfRefusal(text, error);
    if (problems.length > 0) showProblems(problems);
  }

  async function reload(): Promise<void> {
    if (!file) return;
    if (!await mayDiscard("Reload")) return;
    await openFile(file.path, { execId: file.execId, force: true });
  }

  async function rename(): Promise<void> {
    if (!file) return;
    const target = file;
    const to = await renameDialog(target);
    if (to === null) return;
    target.path = to;
    say(status, `Renamed to ${to}`);
    update();
    await Promise.all([files.load(target.execId), history.load({ ...target, dirty: dirty() })]);
    update();
  }

  async function remove(): Promise<void> {
    if (!file) return;
    const target = file;
    if (!await deleteDialog(target, dirty())) return;
    close();
    say(status, `Deleted ${target.path}`);
    void history.load({ execId: target.execId, path: target.path, hash: "", dirty: false });
    await files.load(shell.execId());
    update();
  }

  function close(): void {
    file = null;
    clearTimeout(timer);
    checks++;
    editor.load("", "new.ts");
    showProblems([]);
    say(checkStatus, "");
    void history.load(null);
    update();
  }

  async function newFile(): Promise<void> {
    try {
      const execId = shell.execId();
      const path = await newFileDialog(execId);
      if (!path) return;
      await files.load(execId);
      await openFile(path, { execId });
    } catch (error) {
      say(status, error, "error");
    }
  }

  shell.onInstanceChange(() => {
    void files.load(shell.execId());
    if (file && !dirty()) close();
    else if (file) {
      say(status, `Still editing ${file.path} of instance ${file.execId}: save or reload it`);
    }
    update();
  });

  const element = h(
    "section",
    {
      class: "editor-panel",
      "aria-labelledby": "editor-title",
      onkeydown: (event) => {
        const key = event as KeyboardEvent;
        if ((key.ctrlKey || key.metaKey) && key.key.toLowerCase() === "s") {
          key.preventDefault();
          void save();
        }
      },
    },
    h(
      "div",
      { class: "toolbar" },
      h("h2", { id: "editor-title" }, "Editor"),
      button("New file", () => void newFile(), "primary"),
    ),
    h(
      "div",
      { class: "editor-layout" },
      files.element,
      h(
        "div",
        { class: "editor-main" },
        h("div", { class: "editor-file-head" }, where, dirtyMark),
        h(
          "div",
          { class: "toolbar" },
          checkButton,
          saveButton,
          h("label", { class: "editor-check" }, typecheck, "Type-check on save"),
          renameButton,
          deleteButton,
          reloadButton,
        ),
        status,
        host,
        h("h3", { id: "editor-problems" }, "Problems"),
        checkStatus,
        problemList,
      ),
      history.element,
    ),
  );
  update();
  void history.load(null);
  let listed = false;
  return {
    element,
    show(detail?: PanelDetail) {
      if (!listed || !detail?.path) void files.load(shell.execId());
      listed = true;
      const same = file?.path === detail?.path && file?.execId === shell.execId();
      if (detail?.path && !same) void openFile(detail.path);
    },
  };
}

export const editorPanel: Panel = {
  id: "editor",
  title: "Editor",
  create: createEditorPanel,
};
