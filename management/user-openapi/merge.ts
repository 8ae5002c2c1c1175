/**
 * Several OpenAPI documents -> one (user-openapi/merge). Pure. Paths and their operations are
 * taken in order: the first document to define a method on a path keeps it, and every clash is
 * reported. Tags and component schemas are united the same way.
 */
import { isObject, type JsonObject } from "./companions.ts";
import { OPENAPI_VERSION } from "./document.ts";

export const MERGE_DEFAULTS = {
  title: "Merged API",
  version: "1.0.0",
  description: "Combined OpenAPI specification",
};

export interface MergeInfo {
  title: string;
  version: string;
  description: string;
}

export interface MergedDocument {
  document: JsonObject;
  totalPaths: number;
  totalTags: number;
  conflicts: string[];
}

const COMPONENT_KINDS = [
  "schemas",
  "responses",
  "parameters",
  "examples",
  "requestBodies",
  "headers",
  "securitySchemes",
  "links",
  "callbacks",
];

export function mergeDocuments(documents: readonly JsonObject[], info: MergeInfo): MergedDocument {
  const paths: Record<string, JsonObject> = {};
  const tags = new Map<string, JsonObject>();
  const components: Record<string, JsonObject> = {};
  const conflicts: string[] = [];
  documents.forEach((doc, index) => {
    const where = `document ${index + 1}`;
    for (const [path, item] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
      if (!isObject(item)) continue;
      const target = paths[path] ??= {};
      for (const [key, value] of Object.entries(item)) {
        if (key in target) {
          if (key !== "parameters") conflicts.push(`${where}: ${key} ${path} is defined already`);
          continue;
        }
        target[key] = value;
      }
    }
    for (const tag of Array.isArray(doc.tags) ? doc.tags : []) {
      if (isObject(tag) && typeof tag.name === "string" && !tags.has(tag.name)) {
        tags.set(tag.name, tag);
      }
    }
    const given = isObject(doc.components) ? doc.components : {};
    for (const kind of COMPONENT_KINDS) {
      for (const [name, value] of Object.entries(isObject(given[kind]) ? given[kind] : {})) {
        const target = components[kind] ??= {};
        if (name in target) {
          conflicts.push(`${where}: components.${kind}.${name} is defined already`);
        } else target[name] = value;
      }
    }
  });
  // Tags used by operations but declared by no document are declared here.
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item)) {
      if (!isObject(op) || !Array.isArray(op.tags)) continue;
      for (const tag of op.tags) {
        if (typeof tag === "string" && !tags.has(tag)) tags.set(tag, { name: tag });
      }
    }
  }
  const document: JsonObject = {
    openapi: OPENAPI_VERSION,
    info: { title: info.title, version: info.version, description: info.description },
  };
  if (tags.size > 0) document.tags = [...tags.values()];
  document.paths = paths;
  if (Object.keys(components).length > 0) document.components = components;
  return {
    document,
    totalPaths: Object.keys(paths).length,
    totalTags: tags.size,
    conflicts,
  };
}
