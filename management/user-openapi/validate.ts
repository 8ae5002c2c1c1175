/**
 * OpenAPI documents checked by a real validator (@seriousme/openapi-schema-validator, the JSON
 * Schemas of the OpenAPI specification run by ajv): the generated document in the tests, and a
 * script's `.openapi.json` or `.schema.json` in user-openapi/validate.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import type { JsonObject } from "./companions.ts";
import { OPENAPI_VERSION } from "./document.ts";

export interface DocumentCheck {
  valid: boolean;
  /** One line per problem: where (a JSON pointer) and what. */
  errors: string[];
}

/** Validates a whole OpenAPI 3.x document. */
export async function validateDocument(document: JsonObject): Promise<DocumentCheck> {
  // A fresh validator per call: it keeps the last specification it was given.
  const result = await new Validator().validate(structuredClone(document));
  if (result.valid) return { valid: true, errors: [] };
  const errors = typeof result.errors === "string"
    ? [result.errors]
    : (result.errors ?? []).map((e) =>
      `${e.instancePath === "" ? "/" : e.instancePath}: ${e.message ?? "is invalid"}${
        e.params && "additionalProperty" in e.params
          ? ` (${String(e.params.additionalProperty)})`
          : ""
      }`
    );
  return { valid: false, errors };
}

/** A one-path document holding `pathItem` at `template`: how a script's operation is checked. */
export function singlePathDocument(template: string, pathItem: JsonObject): JsonObject {
  return {
    openapi: OPENAPI_VERSION,
    info: { title: "validation", version: "1.0.0" },
    paths: { [template]: pathItem },
  };
}
