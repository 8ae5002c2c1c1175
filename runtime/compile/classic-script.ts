/**
 * A compiled module as a classic script, when it can be one: a Bun Worker evaluates that text
 * instead of loading the module file (sandbox/invoke.ts). In a fresh, JIT-less Bun Worker,
 * `require` of a hello's module took ~255 µs and evaluating the same text ~18: the module loader's
 * own work, paid again by every serverless Worker.
 *
 * Only a module that needs nothing of a module qualifies: no imports, no `import()`, no
 * `import.meta`, no top-level await, no top-level `arguments`, no CommonJS names it does not
 * declare, and one `export { … }` as its last statement (esbuild's output always ends so). The
 * text keeps every position of the module's: the export clause is blanked, the source map comment
 * dropped, and the wrapper adds `CLASSIC_PREFIX` to the start of line 1 (so a frame on line 1 is
 * `CLASSIC_PREFIX.length` columns to the right) and a `return` of the exports after the last line.
 * Evaluated, it gives the module's exports as an object.
 */
import type TS from "typescript";
import { CLASSIC_PREFIX } from "../protocol/classic.ts";
import { declaresAtTopLevel } from "./analyse.ts";
import { loadTypeScript, ts } from "./typescript.ts";

/**
 * The server holds each loaded script's classic text (it rides in the Worker's `init`): 1,000
 * scripts at this size would be 16 MiB. A larger module's parse, not the loader, is most of its
 * load, so its file serves as well.
 */
const MAX_CLASSIC_CHARS = 16 * 1024;
/** Names Bun gives an ES module of its own and a classic script would read as globals. */
const MODULE_NAMES = new Set(["require", "module", "exports", "__dirname", "__filename"]);
const SOURCE_MAP_COMMENT = /\n\/\/# sourceMappingURL=[^\n]*\s*$/;

export function toClassicScript(code: string): string | null {
  if (code.length > MAX_CLASSIC_CHARS || code.startsWith("#!")) return null;
  loadTypeScript();
  const text = code.replace(SOURCE_MAP_COMMENT, "\n");
  const file = ts.createSourceFile("module.mjs", text, ts.ScriptTarget.ESNext, true);
  const statements = file.statements;
  const last = statements[statements.length - 1];
  if (!last || !isLocalExportList(last)) return null;
  // A module may bind one of them itself (compile/normalise.ts binds `require`).
  const declared = new Set([...MODULE_NAMES].filter((name) => declaresAtTopLevel(file, name)));
  for (const statement of statements.slice(0, -1)) {
    if (!classic(statement, declared)) return null;
  }
  const exported = last.exportClause.elements.map((element) =>
    `${JSON.stringify(element.name.text)}: ${(element.propertyName ?? element.name).getText()}`
  );
  // Blanked, not cut: every line after it keeps its number.
  const blank = text.slice(last.getStart()).replace(/[^\n]/g, " ");
  const script = `${CLASSIC_PREFIX}${text.slice(0, last.getStart())}${blank}\n` +
    `return { ${exported.join(", ")} };\n})()`;
  return parses(script) ? script : null;
}

/** `export { a, b as default };`: names of this module only, no `from`. */
function isLocalExportList(
  statement: TS.Statement,
): statement is TS.ExportDeclaration & { exportClause: TS.NamedExports } {
  return ts.isExportDeclaration(statement) && !statement.isTypeOnly &&
    statement.moduleSpecifier === undefined && statement.exportClause !== undefined &&
    ts.isNamedExports(statement.exportClause);
}

/** A statement that means the same in a function body as in a module. */
function classic(statement: TS.Statement, declared: ReadonlySet<string>): boolean {
  if (
    ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement) ||
    ts.isExportDeclaration(statement) || ts.isExportAssignment(statement) ||
    ts.getModifiers(statement as TS.HasModifiers)?.some((modifier) =>
      modifier.kind === ts.SyntaxKind.ExportKeyword
    )
  ) return false;
  let ok = true;
  // `inFunction`: an await there is not top-level. `ownArguments`: an arrow function has none.
  const visit = (node: TS.Node, inFunction: boolean, ownArguments: boolean): void => {
    if (!ok) return;
    if (
      ts.isMetaProperty(node) ||
      (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) ||
      (!inFunction && isTopLevelAwait(node)) ||
      (!ownArguments && isArguments(node)) ||
      (ts.isIdentifier(node) && MODULE_NAMES.has(node.text) && !declared.has(node.text) &&
        !isPropertyName(node))
    ) {
      ok = false;
      return;
    }
    const nested = inFunction || ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node);
    const own = ownArguments || (ts.isFunctionLike(node) && !ts.isArrowFunction(node));
    ts.forEachChild(node, (child) => visit(child, nested, own));
  };
  visit(statement, false, false);
  return ok;
}

function isTopLevelAwait(node: TS.Node): boolean {
  return ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && !!node.awaitModifier) ||
    (ts.isVariableDeclarationList(node) &&
      (node.flags & ts.NodeFlags.AwaitUsing) === ts.NodeFlags.AwaitUsing);
}

/** A module has no `arguments`; the classic script's wrapper function would. */
function isArguments(node: TS.Node): boolean {
  return ts.isIdentifier(node) && node.text === "arguments" && !isPropertyName(node);
}

/** `x.name`, `{ name: … }`: not a read of `name`. */
function isPropertyName(node: TS.Identifier): boolean {
  const parent = node.parent;
  return (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
    ((ts.isPropertyAssignment(parent) || ts.isMethodDeclaration(parent) ||
      ts.isPropertyDeclaration(parent)) && parent.name === node);
}

/** The engine's own word, without running it: whatever the checks above missed falls back. */
function parses(script: string): boolean {
  try {
    new Function(script);
    return true;
  } catch {
    return false;
  }
}
