import { ServerError, toErrorResponse } from "../runtime/errors.ts";

/**
 * Management-only failures whose codes the shared table does not hold (VALIDATION_ERROR,
 * CONFLICT): same body shape `{ error, code, … }` (SPEC D13, D16).
 */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/**
 * 400 VALIDATION_ERROR naming the field that failed in `field`; `message` is the whole sentence,
 * as clients match it (SPEC's bare texts: "confirm=true parameter required for safety").
 */
export function validationError(field: string, message: string): ApiError {
  return new ApiError(400, "VALIDATION_ERROR", message, { field });
}

export function conflict(message: string): ApiError {
  return new ApiError(409, "CONFLICT", message);
}

/** The one exit from any management error to a Response; unexpected errors become a bare 500. */
export function toManagementResponse(error: unknown): Response {
  if (error instanceof ApiError) {
    return Response.json({ error: error.message, code: error.code, ...error.details }, {
      status: error.status,
    });
  }
  return toErrorResponse(
    error instanceof ServerError
      ? error
      : new ServerError("INTERNAL", "Internal Server Error", { cause: error }),
  );
}
