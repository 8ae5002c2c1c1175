// The type-check Worker: a warm TypeScript language service (the classic API), so a check after
// the first reuses the parsed lib and globals files and takes milliseconds, off the server's loop.
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type TS from "typescript";
import { describeType, type JsonSchema } from "./type-shape.ts";

export interface TypeCheckRequest {
  id: number;
  source: string;
  /** Absolute; its extension picks TS or JS, its folder where packages resolve from. */
  filename: string;
  /** A type to describe as JSON Schema too (validate/return-type's `parsedType`). */
  describe?: string;
}

export interface TypeCheckDiagnostic {
  message: string;
  line: number;
  column: number;
  code: number;
}

export type TypeCheckReply =
  | { id: number; ok: true; diagnostics: TypeCheckDiagnostic[]; described?: JsonSchema }
  | { id: number; ok: false; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<TypeCheckRequest>) => void) | null;
  postMessage(message: TypeCheckReply): void;
}

const scope = globalThis as unknown as WorkerScope;
const ts = createRequire(import.meta.url)("typescript") as typeof TS;
// The globals; their types come from its `import("./script.d.ts")`, which the service reads from
// disk beside it like any import.
const GLOBALS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "types", "index.d.ts");

// What a script may do that a plain module may not, or what is settled in a later step.
const IGNORED = new Set([
  1108, // a top-level `return`: the canonical script shape
  2307, // cannot find module: packages are installed after validation
  2792, // same, with a moduleResolution hint
  7016, // a package without declarations
]);

const options: TS.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  moduleDetection: ts.ModuleDetectionKind.Force,
  lib: ["lib.es2023.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"],
  types: [],
  strict: true,
  noImplicitAny: false,
  allowJs: true,
  checkJs: true,
  jsx: ts.JsxEmit.Preserve,
  noEmit: true,
  skipLibCheck: true,
  allowImportingTsExtensions: true,
};

let current = { filename: "", source: "", version: 0 };
const host: TS.LanguageServiceHost = {
  getCompilationSettings: () => options,
  getScriptFileNames: () => current.filename ? [GLOBALS, current.filename] : [GLOBALS],
  getScriptVersion: (file) => (file === current.filename ? String(current.version) : "0"),
  getScriptSnapshot(file) {
    if (file === current.filename) return ts.ScriptSnapshot.fromString(current.source);
    if (!existsSync(file)) return undefined;
    return ts.ScriptSnapshot.fromString(readFileSync(file, "utf8"));
  },
  getCurrentDirectory: () => dirname(current.filename || GLOBALS),
  getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
  fileExists: (file) => file === current.filename || ts.sys.fileExists(file),
  readFile: (file) => (file === current.filename ? current.source : ts.sys.readFile(file)),
  readDirectory: ts.sys.readDirectory,
  directoryExists: ts.sys.directoryExists,
  getDirectories: ts.sys.getDirectories,
};
const service = ts.createLanguageService(host, ts.createDocumentRegistry());

const PREFIX = "async function __hoody_script(): Promise<unknown> {\n";

/**
 * The line users add for their editors (docs/scripts.md, Types for editors). The globals are
 * loaded here anyway, so it is blanked: it would not resolve (no package beside the script), or
 * load them twice.
 */
const OUR_TYPES = /^\/\/\/\s*<reference\s+types\s*=\s*["']hoody-exec\/types["']\s*\/>/gm;

/**
 * A script with a top-level `return` (the canonical shape) is checked as the body of a function,
 * as it runs; TypeScript does not check the expression of a `return` outside one. Its imports are
 * moved after the body (imports are hoisted, so this means the same), blanked in place so every
 * other line and column stays where it was; the one prefix line is taken off again.
 */
function asChecked(original: string, filename: string): { text: string; shift: number } {
  const source = original.replace(OUR_TYPES, (line) => " ".repeat(line.length));
  const file = ts.createSourceFile(filename, source, ts.ScriptTarget.Latest, false);
  if (!file.statements.some(ts.isReturnStatement)) return { text: source, shift: 0 };
  let body = source;
  const imports: string[] = [];
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) && !ts.isImportEqualsDeclaration(statement)) continue;
    const start = statement.getStart(file);
    const text = source.slice(start, statement.end);
    imports.push(text);
    body = body.slice(0, start) + text.replace(/[^\n]/g, " ") + body.slice(statement.end);
  }
  return { text: `${PREFIX}${body}\n}\n${imports.join("\n")}\n`, shift: 1 };
}

function check(request: TypeCheckRequest): TypeCheckDiagnostic[] {
  const { text, shift } = asChecked(request.source, request.filename);
  current = { filename: request.filename, source: text, version: current.version + 1 };
  const all = [
    ...service.getSyntacticDiagnostics(request.filename),
    ...service.getSemanticDiagnostics(request.filename),
  ];
  return all.filter((d) => !IGNORED.has(d.code)).map((d) => {
    const at = d.file && d.start !== undefined
      ? d.file.getLineAndCharacterOfPosition(d.start)
      : { line: 0, character: 0 };
    return {
      message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
      line: Math.max(1, at.line + 1 - shift),
      column: at.character + 1,
      code: d.code,
    };
  });
}

scope.onmessage = (event) => {
  const request = event.data;
  try {
    const diagnostics = check(request);
    const described = request.describe === undefined
      ? undefined
      : describeType(ts, request.describe);
    scope.postMessage({ id: request.id, ok: true, diagnostics, described });
  } catch (error) {
    scope.postMessage({
      id: request.id,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    });
  }
};
