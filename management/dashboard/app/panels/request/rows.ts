/** Editable name/value rows (the query and the headers of a request), each labelled by number. */
import { fill, h } from "../../dom.ts";

export type Pair = readonly [string, string];

export interface RowsEditor {
  readonly element: HTMLElement;
  /** The rows as typed (empty names included: the caller skips them). */
  pairs(): Pair[];
  /** Replaces the rows. */
  set(pairs: readonly Pair[]): void;
}

/** A fieldset of rows: `noun` names them for screen readers ("Query" → "Query name 1"). */
export function rowsEditor(legend: string, noun: string, onChange: () => void): RowsEditor {
  const list = h("div", { class: "request-rows" });
  let rows: { name: HTMLInputElement; value: HTMLInputElement }[] = [];

  const render = () => {
    fill(
      list,
      rows.map((row, index) => {
        const n = index + 1;
        row.name.setAttribute("aria-label", `${noun} name ${n}`);
        row.value.setAttribute("aria-label", `${noun} value ${n}`);
        return h(
          "div",
          { class: "request-row" },
          row.name,
          row.value,
          h("button", {
            type: "button",
            "aria-label": `Remove ${noun.toLowerCase()} ${n}`,
            onclick: () => {
              rows = rows.filter((r) => r !== row);
              render();
              onChange();
            },
          }, "✕"),
        );
      }),
    );
  };

  const add = (name = "", value = "") => {
    const input = (text: string, placeholder: string) =>
      h("input", {
        type: "text",
        value: text,
        placeholder,
        spellcheck: "false",
        oninput: onChange,
      });
    rows.push({ name: input(name, "name"), value: input(value, "value") });
  };

  const element = h(
    "fieldset",
    { class: "request-pairs" },
    h("legend", {}, legend),
    list,
    h("button", {
      type: "button",
      onclick: () => {
        add();
        render();
        rows.at(-1)?.name.focus();
      },
    }, `Add ${noun.toLowerCase()}`),
  );

  return {
    element,
    pairs: () => rows.map((row) => [row.name.value, row.value.value] as const),
    set(pairs) {
      rows = [];
      for (const [name, value] of pairs) add(name, value);
      render();
    },
  };
}
