/**
 * A fire's answer -> its history status: what the pipeline answered (a status and, for its own
 * errors, `{error, code}`) says whether the script ran, failed, timed out or could not load.
 */
import type { FireStatus } from "./history.ts";

/** How much of a fire's answer the history keeps (`returnPreview`) and a trigger returns. */
export const PREVIEW_CHARS = 1000;

const STATUS_OF_CODE: Record<string, FireStatus> = {
  SCRIPT_TIMEOUT: "timeout",
  SCRIPT_DISABLED: "disabled",
  COMPILE_ERROR: "load_error",
  INSTALL_FAILED: "load_error",
  NOT_FOUND: "load_error",
  UNKNOWN_INSTANCE: "load_error",
};

export interface FireOutcome {
  status: FireStatus;
  error?: string;
}

/** `text` is the start of the answer's body (an error body is short enough to be whole). */
export function outcomeOf(httpStatus: number, text: string): FireOutcome {
  if (httpStatus < 400) return { status: "ok" };
  const body = parseErrorBody(text);
  const status = (body?.code !== undefined ? STATUS_OF_CODE[body.code] : undefined) ?? "error";
  const error = body?.error ?? (text.trim() === "" ? `HTTP ${httpStatus}` : text.trim());
  return { status, error: `${httpStatus}: ${error}`.slice(0, PREVIEW_CHARS) };
}

function parseErrorBody(text: string): { error?: string; code?: string } | null {
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== "object") return null;
    const { error, code } = value as Record<string, unknown>;
    return {
      error: typeof error === "string" ? error : undefined,
      code: typeof code === "string" ? code : undefined,
    };
  } catch {
    return null;
  }
}

/** The first PREVIEW_CHARS characters of a body; the rest of a long or endless stream is cancelled. */
export async function readPreview(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (text.length < PREVIEW_CHARS) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      text += decoder.decode(value, { stream: true });
    }
    return text.slice(0, PREVIEW_CHARS);
  } finally {
    await reader.cancel().catch(() => {});
  }
}
