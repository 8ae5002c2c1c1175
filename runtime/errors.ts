import type { Logger } from "./log.ts";

/**
 * Stable error codes and the one table that maps each to an HTTP status (docs/management.md, Error
 * codes).
 */
export const STATUS = {
  BAD_REQUEST: 400,
  VALIDATION_ERROR: 400,
  BAD_PATH: 400,
  UNSUPPORTED_SUBDOMAIN: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  UNKNOWN_INSTANCE: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  QUEUE_FULL: 429,
  SCRIPT_ERROR: 500,
  COMPILE_ERROR: 500,
  INSTALL_FAILED: 500,
  INTERNAL: 500,
  SCRIPT_CRASHED: 502,
  SCRIPT_DISABLED: 503,
  QUEUE_TIMEOUT: 503,
  UNAVAILABLE: 503,
  SCRIPT_TIMEOUT: 504,
  TEMPLATE_VARIABLES: 400,
  SOURCE_FETCH_FAILED: 502,
  PRECONDITION_REQUIRED: 428,
  HOOK_FAILED: 502,
  UPSTREAM_UNREACHABLE: 502,
  HOOK_TIMEOUT: 504,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof STATUS;

/** An expected failure: a stable code, a message that says what to do, optional details for the body. */
export class ServerError extends Error {
  override name = "ServerError";
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: ErrorOptions & {
      details?: Record<string, unknown>;
      headers?: Record<string, string>;
    },
  ) {
    super(message, options);
    this.code = code;
    this.status = STATUS[code];
    this.details = options?.details;
    this.headers = options?.headers;
  }
}

/**
 * 400 VALIDATION_ERROR naming the input field at fault in `field`; `message` is the whole
 * sentence, as clients match it ("confirm=true parameter required for safety").
 */
export function validationError(
  field: string,
  message: string,
  details: Record<string, unknown> = {},
): ServerError {
  return new ServerError("VALIDATION_ERROR", message, { details: { field, ...details } });
}

/** The one exit from an error to a Response: `{ error, code, ...details }`; stacks only with `--debug`. */
export function toErrorResponse(
  error: ServerError,
  debug = false,
  extraHeaders: [string, string][] = [],
): Response {
  const details = { ...error.details };
  if (!debug) delete details.stack;
  const headers = new Headers(error.headers);
  for (const [name, value] of extraHeaders) headers.set(name, value);
  return Response.json({ error: error.message, code: error.code, ...details }, {
    status: error.status,
    headers,
  });
}

/**
 * How a request that failed is answered: a ServerError as itself (a 5xx also logged as a
 * warning), anything else as a logged 500 that shows nothing of the server. Logged lines of one
 * path and code are written at most once a second, with a count of the rest.
 */
export function requestErrorResponse(
  error: unknown,
  context: { cors: [string, string][]; debug: boolean; log: Logger; path: string },
): Response {
  const known = error instanceof ServerError
    ? error
    : new ServerError("INTERNAL", "Internal Server Error", { cause: error });
  // A failure of one kind (path and code) repeats under load: the logger writes it once a second
  // with a count. The kind is built only for a line that is logged: a 404 is not.
  if (!(error instanceof ServerError)) {
    context.log.error(
      `${context.path}: ${error instanceof Error ? error.stack : String(error)}`,
      `${context.path} ${known.code}`,
    );
  } else if (known.status >= 500) {
    context.log.warn(
      `${context.path}: ${known.code} ${known.message}`,
      `${context.path} ${known.code}`,
    );
  }
  return toErrorResponse(known, context.debug, context.cors);
}
