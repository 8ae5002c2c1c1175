import { pathToFileURL } from "node:url";
import type TS from "typescript";
import {
  declaresAtTopLevel,
  isImport,
  isTypeOnlyExport,
  type ModuleLoad,
  scanSource,
} from "./analyse.ts";
import { packageNameOf } from "../packages/names.ts";
import type { ScriptShape } from "../protocol/messages.ts";
import { createTextEditor, type Insertion, type TextEditor } from "./text-editor.ts";
import { loadTypeScript, ts } from "./typescript.ts";

export type { Insertion };

/** Bump when the text `normalise` produces changes, so cached compiles are redone. */
export const NORMALISE_VERSION = "2";

export type Loader = "ts" | "tsx" | "js" | "jsx";

/** A compile error; `line` and `column` are 1-based and point into the user's original file. */
export interface CompileFailure {
  message: string;
  line: number;
  column: number;
}

export interface Normalised {
  ok: true;
  code: string;
  shape: ScriptShape;
  imports: string[];
  /** It loads `process` (`node:process`): its Worker hooks `process` before it runs. */
  importsProcess: boolean;
  /** None of its code can run once its call has returned (analyse.ts, `runsLater`). */
  runsWithinCall: boolean;
  transformations: string[];
  insertions: Insertion[];
}

export type NormaliseResult = Normalised | { ok: false; error: CompileFailure };

// The inner block lets a script declare its own `res` or `require` with let/const (shadowing
// the parameter), which would be a SyntaxError directly in the function body.
const RETURN_PREFIX =
  "export default async function (req, res, metadata, shared, ws, mainResult) {{";
const COMMONJS_PREFIX =
  "const __hoody_module = { exports: {} }; await (async function (module, exports, require) {{";
const COMMONJS_SUFFIX =
  "\n}}).call(__hoody_module.exports, __hoody_module, __hoody_module.exports, " +
  "globalThis.require);\nexport default __hoody_module.exports;";
// Bun gives every ES module its own `require` (resolving from the compiled file, ignoring
// `globalThis.require`); a module-level declaration makes scripts see the sandbox's on both
// runtimes. A function declaration is initialised before any module code runs.
const REQUIRE_BINDING = "function require(id) { return globalThis.require(id); }";
const RELATIVE = /^\.\.?\//;

/**
 * Rewrites a script into one ES module shape with `export default` and `export const __shape`,
 * keeping every original line on its line number. `filename` is the user's file: relative
 * imports are resolved from it.
 */
export function normalise(source: string, filename: string): NormaliseResult {
  loadTypeScript();
  const kind = ts.ScriptKind[toLoader(filename).toUpperCase() as Uppercase<Loader>];
  const file = ts.createSourceFile(filename, source, ts.ScriptTarget.Latest, false, kind);
  const diagnostic = getParseDiagnostics(file)[0];
  if (diagnostic) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    return { ok: false, error: toFailure(file, diagnostic.start ?? 0, message) };
  }
  const scan = scanSource(file);
  const imports = [...new Set(scan.loads.flatMap((load) => packageNameOf(load.specifier) ?? []))];
  const importsProcess = scan.loads.some((load) => PROCESS.has(load.specifier));
  if (scan.valueExport && !scan.defaultExport) {
    const message = "the script exports values but has no default export: " +
      "export the handler with `export default`, or use top-level `return`";
    return { ok: false, error: toFailure(file, scan.valueExport.getStart(file), message) };
  }
  const { shape } = scan;
  const editor = createTextEditor(source);
  const urls = resolveRelativeImports(editor, file, scan.loads, filename);
  const transformations = urls.size > 0 ? ["resolve-relative-imports"] : [];
  let suffix = "";
  if (shape === "return" || shape === "commonjs") {
    const wrapped = wrap(editor, file, shape, urls);
    transformations.push(...wrapped.transformations);
    suffix = wrapped.suffix;
  }
  suffix += `\nexport const __shape = "${shape}";`;
  if (shape !== "commonjs" && scan.usesRequire && !declaresAtTopLevel(file, "require")) {
    suffix += ` ${REQUIRE_BINDING}`;
    transformations.push("bind-require");
  }
  const { code, insertions } = editor.toResult();
  return {
    ok: true,
    code: code + suffix,
    shape,
    imports,
    importsProcess,
    runsWithinCall: scan.runsWithinCall,
    transformations,
    insertions,
  };
}

const PROCESS = new Set(["process", "node:process"]);

/** The esbuild loader for a script file name; unknown extensions are read as TypeScript. */
export function toLoader(filename: string): Loader {
  const extension = /\.[mc]?([jt]sx?)$/i.exec(filename)?.[1]?.toLowerCase();
  return (extension as Loader | undefined) ?? "ts";
}

/**
 * The compiled module runs from the cache folder, so relative ES module loads become `file:` URLs
 * next to the user's file. `require` is left alone: the sandbox's resolves from the user's file.
 * Returns the URL of each rewritten literal.
 */
function resolveRelativeImports(
  editor: TextEditor,
  file: TS.SourceFile,
  loads: readonly ModuleLoad[],
  filename: string,
): Map<TS.Node, string> {
  const urls = new Map<TS.Node, string>();
  const base = pathToFileURL(filename);
  for (const { literal, kind, specifier } of loads) {
    const start = literal.getStart(file);
    // A literal continued over lines would lose lines when rewritten.
    if (kind !== "import" || !RELATIVE.test(specifier) || /[\r\n]/.test(literal.getText(file))) {
      continue;
    }
    const url = new URL(specifier, base).href;
    urls.set(literal, url);
    editor.replace(start, literal.end, JSON.stringify(url));
  }
  return urls;
}

/**
 * Wraps everything but the imports in one function. Imports that follow code are blanked in
 * place and printed on the wrapper's line; type-only exports lose their `export`.
 */
function wrap(
  editor: TextEditor,
  file: TS.SourceFile,
  shape: "return" | "commonjs",
  urls: ReadonlyMap<TS.Node, string>,
): { suffix: string; transformations: string[] } {
  const transformations: string[] = [];
  const hoisted: string[] = [];
  const printer = ts.createPrinter({ removeComments: true }, {
    substituteNode(_hint, node) {
      const url = urls.get(node);
      return url === undefined ? node : ts.factory.createStringLiteral(url);
    },
  });
  let body: TS.Statement | undefined;
  for (const statement of file.statements) {
    if (isImport(statement)) {
      if (!body) continue;
      const printed = printer.printNode(ts.EmitHint.Unspecified, statement, file);
      hoisted.push(printed.replace(/\s*\n\s*/g, " "));
      editor.blank(statement.getStart(file), statement.end);
    } else if (isTypeOnlyExport(statement)) {
      unexport(editor, file, statement);
      if (!transformations.includes("unexport-types")) transformations.push("unexport-types");
    } else {
      body ??= statement;
    }
  }
  if (hoisted.length > 0) transformations.push("hoist-imports");
  transformations.push(shape === "return" ? "wrap-async-function" : "wrap-commonjs");

  const offset = getInsertionOffset(file, body);
  const before = file.text[offset - 1];
  const separator = before === undefined || before === "\n"
    ? ""
    : offset === file.text.length && file.text.startsWith("#!")
    ? "\n"
    : " ";
  const prefix = shape === "return" ? RETURN_PREFIX : COMMONJS_PREFIX;
  editor.insert(offset, separator + [...hoisted, prefix].join(" "));
  return { suffix: shape === "return" ? "\n}}" : COMMONJS_SUFFIX, transformations };
}

// Right after the previous token: never inside a comment, and on the line of the code before
// the body when there is some, so the body's own columns stay put. A hashbang stays first.
function getInsertionOffset(file: TS.SourceFile, body: TS.Statement | undefined): number {
  const offset = (body ?? file.endOfFileToken).pos;
  if (offset > 0 || !file.text.startsWith("#!")) return offset;
  const lineEnd = file.text.indexOf("\n");
  return lineEnd === -1 ? file.text.length : lineEnd + 1;
}

function unexport(editor: TextEditor, file: TS.SourceFile, statement: TS.Statement): void {
  if (ts.isExportDeclaration(statement)) {
    return editor.blank(statement.getStart(file), statement.end);
  }
  for (const modifier of ts.canHaveModifiers(statement) ? ts.getModifiers(statement) ?? [] : []) {
    const kind = modifier.kind;
    if (kind === ts.SyntaxKind.ExportKeyword || kind === ts.SyntaxKind.DefaultKeyword) {
      editor.blank(modifier.getStart(file), modifier.end);
    }
  }
}

// `parseDiagnostics` is internal but has been stable for years; the public route
// (a Program just for syntax errors) costs far more per compile.
function getParseDiagnostics(file: TS.SourceFile): readonly TS.Diagnostic[] {
  return (file as { parseDiagnostics?: readonly TS.Diagnostic[] }).parseDiagnostics ?? [];
}

function toFailure(file: TS.SourceFile, offset: number, message: string): CompileFailure {
  const { line, character } = file.getLineAndCharacterOfPosition(offset);
  return { message, line: line + 1, column: character + 1 };
}
