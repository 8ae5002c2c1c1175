/**
 * The New file dialog: a path and a template (`templates/list`), the template's params as a small
 * form, created with `templates/generate` (`saveFile`); or an empty file through `scripts/write`.
 */
import { ApiError, call } from "../../api.ts";
import { fill, h } from "../../dom.ts";
import { openDialog } from "./dialog.ts";

interface ParamDetail {
  name: string;
  description: string;
  required: boolean;
  default?: string;
}
interface Template {
  name: string;
  metadata: { description: string; outputPath?: string; paramDetails: ParamDetail[] };
}

const EMPTY = "";

/** Creates an empty file, refusing one that exists (a write would replace it). */
async function createEmpty(execId: string, path: string): Promise<void> {
  try {
    await call("GET", "/scripts/read", { execId, path });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      await call("POST", "/scripts/write", { execId, path, content: "" });
      return;
    }
    throw error;
  }
  throw new ApiError(409, "CONFLICT", `${path} exists: open it, or pick another path`);
}

function paramField(param: ParamDetail): HTMLElement {
  const id = `editor-param-${param.name}`;
  return h(
    "div",
    { class: "editor-field" },
    h("label", { for: id }, param.name, param.required ? " (required)" : ""),
    h("input", {
      id,
      name: param.name,
      required: param.required,
      placeholder: param.default ?? "",
      "aria-describedby": `${id}-help`,
    }),
    h("small", { id: `${id}-help` }, param.description),
  );
}

/**
 * Asks for the new file; resolves to its path once created, or null when cancelled. A refused
 * creation (a path taken, a param missing, a script that does not compile) shows in the dialog.
 */
export async function newFileDialog(execId: string): Promise<string | null> {
  const { templates } = await call<{ templates: Template[] }>("GET", "/templates/list");
  const path = h("input", { id: "editor-new-path", required: true, placeholder: "hello.ts" });
  const params = h("fieldset", { class: "editor-params", hidden: true });
  const about = h("small", { id: "editor-new-about" }, "A file with nothing in it yet");
  let suggested = "";
  const template = h(
    "select",
    {
      id: "editor-new-template",
      "aria-describedby": "editor-new-about",
      onchange: () => {
        const chosen = templates.find((t) => t.name === template.value);
        about.textContent = chosen?.metadata.description ?? "A file with nothing in it yet";
        const details = chosen?.metadata.paramDetails ?? [];
        fill(params, h("legend", {}, "Template parameters"), details.map(paramField));
        params.hidden = details.length === 0;
        const outputPath = chosen?.metadata.outputPath ?? "";
        if (path.value === "" || path.value === suggested) path.value = outputPath;
        suggested = outputPath;
      },
    },
    h("option", { value: EMPTY }, "Empty file"),
    templates.map((t) => h("option", { value: t.name }, t.name)),
  );
  const run = async () => {
    const target = path.value.trim();
    if (template.value === EMPTY) return await createEmpty(execId, target);
    const variables: Record<string, string> = {};
    for (const input of params.querySelectorAll("input")) {
      if (input.value !== "") variables[input.name] = input.value;
    }
    await call("POST", "/templates/generate", {
      execId,
      name: template.value,
      saveFile: true,
      outputPath: target,
      variables,
    });
  };
  const created = await openDialog({
    title: "New file",
    body: [
      h(
        "div",
        { class: "editor-field" },
        h("label", { for: "editor-new-template" }, "Template"),
        template,
        about,
      ),
      h("div", { class: "editor-field" }, h("label", { for: "editor-new-path" }, "Path"), path),
      params,
    ],
    action: "Create",
    run,
  });
  return created ? path.value.trim() : null;
}
