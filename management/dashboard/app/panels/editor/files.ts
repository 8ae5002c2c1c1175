/**
 * The instance's files (`scripts/list`, recursive; the API hides `_`-prefixed folders), filtered as
 * the user types, one button per file that opens it.
 */
import { call } from "../../api.ts";
import { fill, h, say, statusLine } from "../../dom.ts";

interface Listed {
  path: string;
  isDirectory: boolean;
}

export interface FileList {
  readonly element: HTMLElement;
  /** Lists `execId`'s files again. */
  load(execId: string): Promise<void>;
  /** Marks the open file (`aria-current`). */
  mark(path: string | null): void;
}

export function createFileList(onOpen: (path: string) => void): FileList {
  let files: string[] = [];
  let open: string | null = null;
  const status = statusLine();
  const list = h("ul", { class: "editor-files-list", "aria-label": "Files" });
  const filter = h("input", {
    type: "search",
    id: "editor-filter",
    placeholder: "name or folder…",
    oninput: () => render(),
  });

  const render = () => {
    const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const shown = files.filter((f) => words.every((w) => f.toLowerCase().includes(w)));
    fill(
      list,
      shown.map((path) =>
        h(
          "li",
          {},
          h("button", {
            type: "button",
            class: "editor-file",
            "data-path": path,
            "aria-current": path === open ? "true" : false,
            onclick: () => onOpen(path),
          }, path),
        )
      ),
    );
    say(status, `${shown.length} of ${files.length} files`);
  };

  const load = async (execId: string) => {
    try {
      const answer = await call<{ scripts: Listed[] }>("GET", "/scripts/list", {
        execId,
        recursive: true,
      });
      files = answer.scripts.filter((s) => !s.isDirectory).map((s) => s.path).sort();
      render();
    } catch (error) {
      say(status, error, "error");
    }
  };

  const element = h(
    "section",
    { class: "editor-files", "aria-label": "Script files" },
    h("label", { for: "editor-filter" }, "Find file"),
    filter,
    status,
    list,
  );
  return {
    element,
    load,
    mark(path) {
      if (path === open) return;
      open = path;
      render();
    },
  };
}
