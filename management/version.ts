import pkg from "../package.json" with { type: "json" };

/** The server version health and the OpenAPI document report: package.json's, so it cannot drift. */
export const VERSION: string = pkg.version;
