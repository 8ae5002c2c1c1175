/**
 * Where the management API lives: the pipeline sends these paths to it before any script, so no
 * script can shadow it.
 */

/** Every management endpoint is below this path. */
export const API_PREFIX = "/api/v1/exec";

/** The web dashboard's page (docs/dashboard.md). */
export const DASHBOARD_PATH = `${API_PREFIX}/ui/`;

/** The API's OpenAPI document, also served at the root. */
export const API_DOCUMENTS = ["/openapi.json", "/openapi.yaml"] as const;

/** Whether a (decoded, checked) request path belongs to the management API. */
export function isManagementPath(path: string): boolean {
  return path === API_PREFIX || path.startsWith(`${API_PREFIX}/`) ||
    path === API_DOCUMENTS[0] || path === API_DOCUMENTS[1];
}
