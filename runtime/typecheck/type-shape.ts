/**
 * A TypeScript type, as written in `validate/return-type`, turned into a JSON Schema object (the
 * `parsedType` of the answer). Pure: the TypeScript module is passed in, so it runs wherever the
 * compiler is already loaded (the type-check Worker) and in table tests.
 */
import type TS from "typescript";

export type JsonSchema = { [key: string]: unknown };

function keyword(ts: typeof TS, kind: TS.SyntaxKind): JsonSchema | null {
  switch (kind) {
    case ts.SyntaxKind.StringKeyword:
      return { type: "string" };
    case ts.SyntaxKind.NumberKeyword:
      return { type: "number" };
    case ts.SyntaxKind.BigIntKeyword:
      return { type: "integer" };
    case ts.SyntaxKind.BooleanKeyword:
      return { type: "boolean" };
    case ts.SyntaxKind.NullKeyword:
      return { type: "null" };
    case ts.SyntaxKind.ObjectKeyword:
      return { type: "object" };
    case ts.SyntaxKind.AnyKeyword:
    case ts.SyntaxKind.UnknownKeyword:
      return {};
    // No JSON value is undefined, void or never.
    case ts.SyntaxKind.NeverKeyword:
    case ts.SyntaxKind.UndefinedKeyword:
    case ts.SyntaxKind.VoidKeyword:
      return { not: {} };
    default:
      return null;
  }
}

function propertyName(ts: typeof TS, name: TS.PropertyName, file: TS.SourceFile): string {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) {
    return name.text;
  }
  return name.getText(file);
}

function literal(ts: typeof TS, node: TS.LiteralTypeNode): JsonSchema | null {
  const value = node.literal;
  if (value.kind === ts.SyntaxKind.NullKeyword) return { type: "null" };
  if (value.kind === ts.SyntaxKind.TrueKeyword) return { const: true };
  if (value.kind === ts.SyntaxKind.FalseKeyword) return { const: false };
  if (ts.isStringLiteral(value) || ts.isNoSubstitutionTemplateLiteral(value)) {
    return { const: value.text };
  }
  if (ts.isNumericLiteral(value)) return { const: Number(value.text) };
  if (ts.isPrefixUnaryExpression(value) && ts.isNumericLiteral(value.operand)) {
    return { const: -Number(value.operand.text) };
  }
  return null;
}

function members(ts: typeof TS, node: TS.TypeLiteralNode, file: TS.SourceFile): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const schema: JsonSchema = { type: "object", properties };
  for (const member of node.members) {
    if (ts.isPropertySignature(member)) {
      const name = propertyName(ts, member.name, file);
      properties[name] = member.type ? toSchema(ts, member.type, file) : {};
      if (!member.questionToken) required.push(name);
    } else if (ts.isIndexSignatureDeclaration(member)) {
      schema.additionalProperties = toSchema(ts, member.type, file);
    }
  }
  if (required.length > 0) schema.required = required;
  return schema;
}

function reference(ts: typeof TS, node: TS.TypeReferenceNode, file: TS.SourceFile): JsonSchema {
  const name = node.typeName.getText(file);
  const args = node.typeArguments ?? [];
  if ((name === "Array" || name === "ReadonlyArray") && args.length === 1) {
    return { type: "array", items: toSchema(ts, args[0]!, file) };
  }
  if (name === "Record" && args.length === 2) {
    return { type: "object", additionalProperties: toSchema(ts, args[1]!, file) };
  }
  if (name === "Date") return { type: "string", format: "date-time" };
  return { tsType: node.getText(file) };
}

function toSchema(ts: typeof TS, node: TS.TypeNode, file: TS.SourceFile): JsonSchema {
  const simple = keyword(ts, node.kind);
  if (simple) return simple;
  if (ts.isParenthesizedTypeNode(node)) return toSchema(ts, node.type, file);
  if (ts.isLiteralTypeNode(node)) return literal(ts, node) ?? { tsType: node.getText(file) };
  if (ts.isArrayTypeNode(node)) {
    return { type: "array", items: toSchema(ts, node.elementType, file) };
  }
  if (ts.isTupleTypeNode(node)) {
    return {
      type: "array",
      prefixItems: node.elements.map((e) => toSchema(ts, e, file)),
      items: false,
    };
  }
  if (ts.isTypeLiteralNode(node)) return members(ts, node, file);
  if (ts.isUnionTypeNode(node)) return { anyOf: node.types.map((t) => toSchema(ts, t, file)) };
  if (ts.isIntersectionTypeNode(node)) {
    return { allOf: node.types.map((t) => toSchema(ts, t, file)) };
  }
  if (ts.isTypeReferenceNode(node)) return reference(ts, node, file);
  if (ts.isTypeOperatorNode(node) && node.operator === ts.SyntaxKind.ReadonlyKeyword) {
    return toSchema(ts, node.type, file);
  }
  return { tsType: node.getText(file) };
}

/** `definition` as a JSON Schema; a definition that does not parse as a type gives `{ tsType }`. */
export function describeType(ts: typeof TS, definition: string): JsonSchema {
  const file = ts.createSourceFile(
    "return-type.ts",
    `type __Described = ${definition};`,
    ts.ScriptTarget.Latest,
    true,
  );
  const [statement] = file.statements;
  if (file.statements.length !== 1 || !statement || !ts.isTypeAliasDeclaration(statement)) {
    return { tsType: definition.trim() };
  }
  return toSchema(ts, statement.type, file);
}
