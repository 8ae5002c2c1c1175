/** Where the management API lives: the pipeline sends these paths to it before any script (SPEC D14). */

/** Every management endpoint is below this path. */
export const API_PREFIX = "/api/v1/exec";

/** The API's OpenAPI document, also served at the root. */
const API_DOCUMENTS: ReadonlySet<string> = new Set(["/openapi.json", "/openapi.yaml"]);

/** Whether a (decoded, checked) request path belongs to the management API. */
export function isManagementPath(path: string): boolean {
  return path === API_PREFIX || path.startsWith(`${API_PREFIX}/`) || API_DOCUMENTS.has(path);
}
