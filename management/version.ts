/** The server version health and the OpenAPI document report. */
export const VERSION = "0.1.0";
