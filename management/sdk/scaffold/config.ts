/**
 * The shape of `_sdk/config.ts`, which SDK import writes with the imported document's values:
 * where calls go and the JSON Schema dialect of its schemas.
 */
export const UPSTREAM: string = "https://api.example.com";
export const DIALECT: "openapi-3.0" | "draft-2020-12" | "draft-4" = "openapi-3.0";
