import type TS from "typescript";
import type { ScriptShape } from "../protocol/messages.ts";
import { loadTypeScript, ts } from "./typescript.ts";

/** A module the script loads at run time through a string literal. */
export interface ModuleLoad {
  specifier: string;
  literal: TS.StringLiteralLike;
  /** `import`, `export … from` and `import()` are ES module loads; the rest are `require`s. */
  kind: "import" | "require";
}

/** What the normaliser needs to know about a parsed script, in one pass over its syntax tree. */
export interface Scan {
  shape: ScriptShape;
  /** The first exported value, when there is one. */
  valueExport?: TS.Node;
  /** The exported default value or declaration, when there is one. */
  defaultExport?: TS.Node;
  usesRequire: boolean;
  loads: ModuleLoad[];
  /** Nothing in it can run once its call has returned (see `runsWithinCall`). */
  runsWithinCall: boolean;
}

/**
 * Names through which code runs later than the call that mentions them: timers, promises,
 * events, streams, fetch, the WebSocket hub, getters made by `defineProperty`, `toJSON` (called
 * while the answer is serialised), and the globals that reach any of these indirectly.
 */
const LATER = new Set(
  `setTimeout setInterval setImmediate queueMicrotask nextTick Promise then catch finally on once
  addListener addEventListener onmessage onclose onerror onopen fetch WebSocket Worker
  MessageChannel BroadcastChannel EventSource ReadableStream WritableStream TransformStream pipeTo
  pipeThrough sse ws upgradeWebSocket toJSON Proxy Reflect Symbol eval Function globalThis self
  window global process defineProperty defineProperties __defineGetter__ __defineSetter__`
    .split(/\s+/),
);

/**
 * Whether a node lets code of the script run after its call returns: `await`, `async`, `yield`,
 * a getter or setter, a `get`/`set` key (a property descriptor), or a name of `LATER`. Such a
 * script's Worker follows each request with AsyncLocalStorage; one with none of them needs only
 * "the request running now", set around each call (runtime/sandbox/globals.ts).
 */
function runsLater(node: TS.Node): boolean {
  if (ts.isAwaitExpression(node) || ts.isYieldExpression(node)) return true;
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
    return true;
  }
  if (ts.isForOfStatement(node) && node.awaitModifier) return true;
  if (ts.isGetAccessor(node) || ts.isSetAccessor(node)) return true;
  if (hasModifier(node, ts.SyntaxKind.AsyncKeyword)) return true;
  if (
    (ts.isPropertyAssignment(node) || ts.isMethodDeclaration(node) ||
      ts.isShorthandPropertyAssignment(node)) &&
    ts.isIdentifier(node.name) &&
    (node.name.text === "get" || node.name.text === "set")
  ) return true;
  return ts.isIdentifier(node) && LATER.has(node.text);
}

export function scanSource(file: TS.SourceFile): Scan {
  loadTypeScript();
  let valueExport: TS.Node | undefined;
  let defaultExport: TS.Node | undefined;
  for (const statement of file.statements) {
    if (!isValueExport(statement)) continue;
    valueExport ??= statement;
    defaultExport ??= getDefaultExport(file, statement);
  }
  let commonjs = false;
  let usesRequire = false;
  let later = false;
  const loads: ModuleLoad[] = [];
  const visit = (node: TS.Node): void => {
    const load = getModuleLoad(node);
    if (load) loads.push(load);
    if (isCommonJsExport(node)) commonjs = true;
    if (ts.isIdentifier(node) && node.text === "require") usesRequire = true;
    if (!later && runsLater(node)) later = true;
    ts.forEachChild(node, visit);
  };
  visit(file);
  const shape = toShape(file, defaultExport, commonjs);
  // Anything it imports may schedule code of its own: only a self-contained script qualifies.
  const runsWithinCall = !later && loads.length === 0 && !usesRequire;
  return { shape, valueExport, defaultExport, usesRequire, loads, runsWithinCall };
}

function toShape(
  file: TS.SourceFile,
  defaultExport: TS.Node | undefined,
  commonjs: boolean,
): ScriptShape {
  if (defaultExport) return isEdgeHandler(file, defaultExport) ? "edge" : "esm";
  return commonjs ? "commonjs" : "return";
}

export function isImport(statement: TS.Statement): boolean {
  return ts.isImportDeclaration(statement) ||
    (ts.isImportEqualsDeclaration(statement) &&
      ts.isExternalModuleReference(statement.moduleReference));
}

export function isTypeOnlyExport(statement: TS.Statement): boolean {
  const exported = ts.isExportDeclaration(statement) ||
    hasModifier(statement, ts.SyntaxKind.ExportKeyword);
  return exported && !isValueExport(statement);
}

export function declaresAtTopLevel(file: TS.SourceFile, name: string): boolean {
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

function hasModifier(node: TS.Node, kind: TS.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) &&
    (ts.getModifiers(node)?.some((modifier) => modifier.kind === kind) ?? false);
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

/** The module a node loads at run time through a string literal, if any (type imports do not). */
function getModuleLoad(node: TS.Node): ModuleLoad | undefined {
  let literal: TS.Node | undefined;
  let kind: ModuleLoad["kind"] = "import";
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    const named = clause?.namedBindings;
    const typesOnly = clause?.isTypeOnly ||
      (clause && !clause.name && named && ts.isNamedImports(named) &&
        named.elements.length > 0 && named.elements.every((element) => element.isTypeOnly));
    literal = typesOnly ? undefined : node.moduleSpecifier;
  } else if (ts.isExportDeclaration(node)) {
    literal = node.isTypeOnly ? undefined : node.moduleSpecifier;
  } else if (ts.isExternalModuleReference(node)) {
    literal = node.expression;
    kind = "require";
  } else if (ts.isCallExpression(node)) {
    const callee = node.expression;
    if (callee.kind === ts.SyntaxKind.ImportKeyword) literal = node.arguments[0];
    else if (ts.isIdentifier(callee) && callee.text === "require") {
      literal = node.arguments[0];
      kind = "require";
    }
  }
  if (!literal || !ts.isStringLiteralLike(literal)) return undefined;
  return { specifier: literal.text, literal, kind };
}
