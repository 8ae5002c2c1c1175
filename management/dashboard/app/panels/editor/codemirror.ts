/**
 * The editor's CodeMirror 6 view: basicSetup, TypeScript highlighting, a mark on each magic
 * comment's `@name` in the header, a lint gutter for the server's diagnostics, and an aria-label.
 */
import { javascript } from "@codemirror/lang-javascript";
import { type Diagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import { EditorState, type Extension, RangeSetBuilder, StateField } from "@codemirror/state";
import { Decoration, type DecorationSet, EditorView } from "@codemirror/view";
import { basicSetup } from "codemirror";

/** A problem the server reported, at a 1-based line and column (0 when it has no place). */
export interface Problem {
  line: number;
  column: number;
  severity: "error" | "warning";
  message: string;
  source: string;
}

/** The server reads magic comments from the first 50 lines only (runtime/directives/spec.ts). */
const HEADER_WINDOW = 50;
const DIRECTIVE = /^(\s*\/\/[ \t]*)(@\S+)/;

/**
 * Where each `@name` of the header sits: the leading lines that are blank, `//` comments or
 * `/* … *\/` comments (a `#!` first line too), up to the first line of code.
 */
export function headerDirectives(doc: EditorState["doc"]): { from: number; to: number }[] {
  const found: { from: number; to: number }[] = [];
  let inBlock = false;
  for (let n = 1; n <= Math.min(doc.lines, HEADER_WINDOW); n++) {
    const line = doc.line(n);
    const text = line.text;
    if (n === 1 && text.startsWith("#!")) continue;
    if (inBlock) {
      inBlock = !text.includes("*/");
      continue;
    }
    const trimmed = text.trim();
    if (trimmed === "") continue;
    if (trimmed.startsWith("/*")) {
      inBlock = !trimmed.includes("*/");
      continue;
    }
    if (!trimmed.startsWith("//")) break;
    const match = DIRECTIVE.exec(text);
    if (match) {
      const from = line.from + match[1]!.length;
      found.push({ from, to: from + match[2]!.length });
    }
  }
  return found;
}

const magicName = Decoration.mark({ class: "cm-magic-name" });
const magicLine = Decoration.line({ class: "cm-magic-line" });

function magicDecorations(state: EditorState): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>();
  for (const { from, to } of headerDirectives(state.doc)) {
    builder.add(state.doc.lineAt(from).from, state.doc.lineAt(from).from, magicLine);
    builder.add(from, to, magicName);
  }
  return builder.finish();
}

/** The magic-comment marks, recomputed on every change of the text. */
const magicComments = StateField.define<DecorationSet>({
  create: magicDecorations,
  update: (marks, tr) => tr.docChanged ? magicDecorations(tr.state) : marks,
  provide: (field) => EditorView.decorations.from(field),
});

/** A script's extension: what the server compiles (and so what its checks are for). */
export const SCRIPT_FILE = /\.[mc]?[jt]sx?$/i;

/** CodeMirror's JavaScript language for scripts (TypeScript unless .js) and JSON; none else. */
function languageOf(path: string): Extension {
  if (/\.json$/i.test(path)) return javascript();
  if (!SCRIPT_FILE.test(path)) return [];
  const jsx = /x$/i.test(path);
  return /\.[mc]?jsx?$/i.test(path) ? javascript({ jsx }) : javascript({ typescript: true, jsx });
}

export interface CodeEditor {
  readonly view: EditorView;
  text(): string;
  /** Replaces the whole text (opening a file, showing a version) and the language. */
  load(text: string, path: string): void;
  showProblems(problems: readonly Problem[]): void;
  /** Puts the cursor at a problem and focuses the editor. */
  reveal(problem: Problem): void;
}

function positionOf(doc: EditorState["doc"], problem: Problem): { from: number; to: number } {
  const line = doc.line(Math.min(Math.max(problem.line, 1), doc.lines));
  const from = Math.min(line.from + Math.max(problem.column - 1, 0), line.to);
  const word = /^[\w$@.-]+/.exec(doc.sliceString(from, line.to));
  return { from, to: word ? from + word[0].length : line.to };
}

export function createCodeEditor(parent: HTMLElement, onChange: () => void): CodeEditor {
  const extensionsFor = (path: string): Extension[] => [
    basicSetup,
    languageOf(path),
    magicComments,
    lintGutter(),
    EditorView.contentAttributes.of({ "aria-label": "Script source" }),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) onChange();
    }),
  ];
  const view = new EditorView({
    parent,
    state: EditorState.create({ doc: "", extensions: extensionsFor("new.ts") }),
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    load(text, path) {
      view.setState(EditorState.create({ doc: text, extensions: extensionsFor(path) }));
    },
    showProblems(problems) {
      const doc = view.state.doc;
      const diagnostics: Diagnostic[] = problems.filter((p) => p.line > 0).map((p) => ({
        ...positionOf(doc, p),
        severity: p.severity,
        message: p.message,
        source: p.source,
      }));
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    reveal(problem) {
      if (problem.line <= 0) return;
      const { from } = positionOf(view.state.doc, problem);
      view.dispatch({ selection: { anchor: from }, scrollIntoView: true });
      view.focus();
    },
  };
}
