import { createRequire, isBuiltin } from "node:module";
import type TS from "typescript";

/** Bump when the text `normalise` produces changes, so cached compiles are redone. */
export const NORMALISE_VERSION = "1";

export type ScriptShape = "return" | "commonjs" | "esm" | "edge";
export type Loader = "ts" | "tsx" | "js" | "jsx";

/** A compile error; `line` and `column` are 1-based and point into the user's original file. */
export interface CompileFailure {
  message: string;
  line: number;
  column: number;
}

/** Text put into an existing line: the one edit that moves anything (later columns of that line). */
export interface Insertion {
  /** 1-based line of the normalised text. */
  line: number;
  /** 0-based column (UTF-16) where the inserted text starts. */
  column: number;
  length: number;
}

export interface Normalised {
  ok: true;
  code: string;
  shape: ScriptShape;
  imports: string[];
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

// Loaded on the first `normalise` call, through `require`: importing this module stays cheap
// for the server thread (it needs only the constants), and typescript loads faster as CommonJS.
// Every helper below runs after `normalise` has set it.
let ts: typeof TS;

/**
 * Rewrites a script into one ES module shape with `export default` and `export const __shape`,
 * keeping every original line on its line number.
 */
export function normalise(source: string, filename: string): NormaliseResult {
  ts ??= createRequire(import.meta.url)("typescript") as typeof TS;
  const kind = ts.ScriptKind[toLoader(filename).toUpperCase() as Uppercase<Loader>];
  const file = ts.createSourceFile(filename, source, ts.ScriptTarget.Latest, false, kind);
  const diagnostic = getParseDiagnostics(file)[0];
  if (diagnostic) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    return { ok: false, error: toFailure(file, diagnostic.start ?? 0, message) };
  }
  const scan = scanSource(file);
  const imports = [...new Set(scan.specifiers.flatMap((s) => toPackageName(s) ?? []))];
  if (scan.valueExport && !scan.defaultExport) {
    const message = "the script exports values but has no default export: " +
      "export the handler with `export default`, or use top-level `return`";
    return { ok: false, error: toFailure(file, scan.valueExport.getStart(file), message) };
  }
  const shape = toShape(file, scan);
  const wrapped = shape === "return" || shape === "commonjs"
    ? wrap(file, shape)
    : { code: source, transformations: [], insertions: [] };
  let code = `${wrapped.code}\nexport const __shape = "${shape}";`;
  if (shape !== "commonjs" && scan.usesRequire && !declaresAtTopLevel(file, "require")) {
    code += ` ${REQUIRE_BINDING}`;
    wrapped.transformations.push("bind-require");
  }
  return { ok: true, shape, imports, ...wrapped, code };
}

/** Maps a 1-based position in normalised text back to the user's original file. */
export function toOriginalPosition(
  insertions: readonly Insertion[],
  position: { line: number; column: number },
): { line: number; column: number } {
  let column = position.column;
  for (const insertion of insertions) {
    if (insertion.line === position.line && column > insertion.column) {
      column = Math.max(insertion.column + 1, column - insertion.length);
    }
  }
  return { line: position.line, column };
}

/** The esbuild loader for a script file name; unknown extensions are read as TypeScript. */
export function toLoader(filename: string): Loader {
  const extension = /\.[mc]?([jt]sx?)$/i.exec(filename)?.[1]?.toLowerCase();
  return (extension as Loader | undefined) ?? "ts";
}

/** `lodash/fp` -> `lodash`, `npm:@scope/pkg@1/x` -> `@scope/pkg`; relative, URL, built-in -> none. */
export function toPackageName(specifier: string): string | undefined {
  const bare = specifier.startsWith("npm:") ? specifier.slice(4) : specifier;
  if (/^[a-z][a-z0-9+.-]*:/i.test(bare) || /^[./#]/.test(bare)) return undefined;
  const parts = bare.split("/");
  const name = (bare.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0] ?? "")
    .replace(/(?!^)@.*$/, "");
  if (!/^(@[\w.~-]+\/)?[\w.~-]+$/.test(name) || name === "bun" || isBuiltin(name)) return undefined;
  return name;
}

/**
 * Wraps everything but the imports in one function. Imports that follow code are blanked in
 * place and printed on the wrapper's line; type-only exports lose their `export`.
 */
function wrap(file: TS.SourceFile, shape: "return" | "commonjs") {
  const text = file.text.split("");
  const transformations: string[] = [];
  const hoisted: string[] = [];
  const printer = ts.createPrinter({ removeComments: true });
  let body: TS.Statement | undefined;
  for (const statement of file.statements) {
    if (isImport(statement)) {
      if (!body) continue;
      const printed = printer.printNode(ts.EmitHint.Unspecified, statement, file);
      hoisted.push(printed.replace(/\s*\n\s*/g, " "));
      blank(text, statement.getStart(file), statement.end);
    } else if (isTypeOnlyExport(statement)) {
      unexport(text, file, statement);
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
  const inserted = separator +
    [...hoisted, shape === "return" ? RETURN_PREFIX : COMMONJS_PREFIX].join(" ");
  const suffix = shape === "return" ? "\n}}" : COMMONJS_SUFFIX;
  const code = text.slice(0, offset).join("") + inserted + text.slice(offset).join("") + suffix;
  const at = file.getLineAndCharacterOfPosition(offset);
  const insertion = { line: at.line + 1, column: at.character, length: inserted.length };
  return { code, transformations, insertions: [insertion] };
}

// Right after the previous token: never inside a comment, and on the line of the code before
// the body when there is some, so the body's own columns stay put. A hashbang stays first.
function getInsertionOffset(file: TS.SourceFile, body: TS.Statement | undefined): number {
  const offset = (body ?? file.endOfFileToken).pos;
  if (offset > 0 || !file.text.startsWith("#!")) return offset;
  const lineEnd = file.text.indexOf("\n");
  return lineEnd === -1 ? file.text.length : lineEnd + 1;
}

interface Scan {
  valueExport?: TS.Node;
  defaultExport?: TS.Node;
  commonjs: boolean;
  usesRequire: boolean;
  specifiers: string[];
}

function toShape(file: TS.SourceFile, scan: Scan): ScriptShape {
  if (scan.defaultExport) return isEdgeHandler(file, scan.defaultExport) ? "edge" : "esm";
  return scan.commonjs ? "commonjs" : "return";
}

function scanSource(file: TS.SourceFile): Scan {
  const scan: Scan = { commonjs: false, usesRequire: false, specifiers: [] };
  for (const statement of file.statements) {
    if (!isValueExport(statement)) continue;
    scan.valueExport ??= statement;
    scan.defaultExport ??= getDefaultExport(file, statement);
  }
  const visit = (node: TS.Node): void => {
    const specifier = getSpecifier(node);
    if (specifier !== undefined) scan.specifiers.push(specifier);
    if (isCommonJsExport(node)) scan.commonjs = true;
    if (ts.isIdentifier(node) && node.text === "require") scan.usesRequire = true;
    ts.forEachChild(node, visit);
  };
  visit(file);
  return scan;
}

function isImport(statement: TS.Statement): boolean {
  return ts.isImportDeclaration(statement) ||
    (ts.isImportEqualsDeclaration(statement) &&
      ts.isExternalModuleReference(statement.moduleReference));
}

function hasModifier(node: TS.Node, kind: TS.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) &&
    (ts.getModifiers(node)?.some((modifier) => modifier.kind === kind) ?? false);
}

function isTypeOnlyExport(statement: TS.Statement): boolean {
  const exported = ts.isExportDeclaration(statement) ||
    hasModifier(statement, ts.SyntaxKind.ExportKeyword);
  return exported && !isValueExport(statement);
}

function isValueExport(statement: TS.Statement): boolean {
  if (ts.isExportAssignment(statement)) return true;
  if (ts.isExportDeclaration(statement)) {
    const clause = statement.exportClause;
    if (statement.isTypeOnly) return false;
    if (statement.moduleSpecifier || !clause || !ts.isNamedExports(clause)) return true;
    return clause.elements.some((element) => !element.isTypeOnly);
  }
  if (!hasModifier(statement, ts.SyntaxKind.ExportKeyword)) return false;
  return !ts.isInterfaceDeclaration(statement) && !ts.isTypeAliasDeclaration(statement) &&
    !hasModifier(statement, ts.SyntaxKind.DeclareKeyword);
}

/** The expression or declaration exported as default by this statement, if any. */
function getDefaultExport(file: TS.SourceFile, statement: TS.Statement): TS.Node | undefined {
  if (ts.isExportAssignment(statement)) {
    return statement.isExportEquals ? undefined : statement.expression;
  }
  if (hasModifier(statement, ts.SyntaxKind.DefaultKeyword)) return statement;
  const clause = ts.isExportDeclaration(statement) ? statement.exportClause : undefined;
  if (!clause || !ts.isNamedExports(clause)) return undefined;
  const element = clause.elements.find((e) => e.name.text === "default");
  if (!element || (statement as TS.ExportDeclaration).moduleSpecifier) return element;
  return findDeclaration(file, (element.propertyName ?? element.name).text) ?? element;
}

function declaresAtTopLevel(file: TS.SourceFile, name: string): boolean {
  const names: string[] = [];
  const collect = (node: TS.Node | undefined): void => {
    if (node && ts.isIdentifier(node)) names.push(node.text);
    else if (node && (ts.isObjectBindingPattern(node) || ts.isArrayBindingPattern(node))) {
      for (const element of node.elements) if (ts.isBindingElement(element)) collect(element.name);
    }
  };
  for (const statement of file.statements) {
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) collect(declaration.name);
    } else if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const bindings = clause?.namedBindings;
      collect(clause?.name);
      if (bindings && ts.isNamespaceImport(bindings)) collect(bindings.name);
      else for (const element of bindings?.elements ?? []) collect(element.name);
    } else if (
      ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) ||
      ts.isEnumDeclaration(statement) || ts.isImportEqualsDeclaration(statement)
    ) collect(statement.name);
  }
  return names.includes(name);
}

function findDeclaration(file: TS.SourceFile, name: string): TS.Node | undefined {
  for (const statement of file.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === name) return statement;
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === name) {
        return declaration.initializer;
      }
    }
  }
  return undefined;
}

/** `(request) => …` or `(x: Request) => …` with one parameter, or an object literal with `fetch`. */
function isEdgeHandler(file: TS.SourceFile, node: TS.Node, depth = 0): boolean {
  let target = node;
  while (
    ts.isParenthesizedExpression(target) || ts.isAsExpression(target) ||
    ts.isSatisfiesExpression(target) || ts.isNonNullExpression(target)
  ) target = target.expression;
  if (ts.isIdentifier(target)) {
    const declaration = findDeclaration(file, target.text);
    return depth < 3 && declaration !== undefined && isEdgeHandler(file, declaration, depth + 1);
  }
  if (ts.isObjectLiteralExpression(target)) {
    return target.properties.some(({ name }) =>
      name !== undefined && (ts.isIdentifier(name) || ts.isStringLiteral(name)) &&
      name.text === "fetch"
    );
  }
  if (!ts.isFunctionLike(target) || target.parameters.length !== 1) return false;
  const { name, type } = target.parameters[0]!;
  if (ts.isIdentifier(name) && name.text === "request") return true;
  return type !== undefined && ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) &&
    type.typeName.text === "Request";
}

/** `module.exports` anywhere, or an assignment to `exports.x` / `exports[x]`. */
function isCommonJsExport(node: TS.Node): boolean {
  if (ts.isPropertyAccessExpression(node)) {
    return ts.isIdentifier(node.expression) && node.expression.text === "module" &&
      node.name.text === "exports";
  }
  if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.EqualsToken) {
    return false;
  }
  const left = node.left;
  return (ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left)) &&
    ts.isIdentifier(left.expression) && left.expression.text === "exports";
}

/** The module specifier a node loads at run time, if any. */
function getSpecifier(node: TS.Node): string | undefined {
  let specifier: TS.Node | undefined;
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    const named = clause?.namedBindings;
    const typesOnly = clause?.isTypeOnly ||
      (clause && !clause.name && named && ts.isNamedImports(named) &&
        named.elements.length > 0 && named.elements.every((element) => element.isTypeOnly));
    specifier = typesOnly ? undefined : node.moduleSpecifier;
  } else if (ts.isExportDeclaration(node)) {
    specifier = node.isTypeOnly ? undefined : node.moduleSpecifier;
  } else if (ts.isExternalModuleReference(node)) {
    specifier = node.expression;
  } else if (ts.isCallExpression(node)) {
    const callee = node.expression;
    const loads = callee.kind === ts.SyntaxKind.ImportKeyword ||
      (ts.isIdentifier(callee) && callee.text === "require");
    specifier = loads ? node.arguments[0] : undefined;
  }
  return specifier && ts.isStringLiteralLike(specifier) ? specifier.text : undefined;
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

/** Spaces over everything but line breaks, so later lines keep their numbers. */
function blank(text: string[], start: number, end: number): void {
  for (let i = start; i < end; i++) {
    if (text[i] !== "\n" && text[i] !== "\r") text[i] = " ";
  }
}

function unexport(text: string[], file: TS.SourceFile, statement: TS.Statement): void {
  if (ts.isExportDeclaration(statement)) {
    return blank(text, statement.getStart(file), statement.end);
  }
  for (const modifier of ts.canHaveModifiers(statement) ? ts.getModifiers(statement) ?? [] : []) {
    const kind = modifier.kind;
    if (kind === ts.SyntaxKind.ExportKeyword || kind === ts.SyntaxKind.DefaultKeyword) {
      blank(text, modifier.getStart(file), modifier.end);
    }
  }
}
