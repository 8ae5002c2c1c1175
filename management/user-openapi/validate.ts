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

// One validator for every call: it compiles the OpenAPI meta-schema once (seconds on Bun). Each
// validate() checks its own argument synchronously after parsing it, so concurrent calls do not
// mix; the `specification` it remembers is read only by resolveRefs, which is not used here.
let validator: Validator | null = null;

/** Validates a whole OpenAPI 3.x document. */
export async function validateDocument(document: JsonObject): Promise<DocumentCheck> {
  const result = await (validator ??= new Validator()).validate(structuredClone(document));
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
