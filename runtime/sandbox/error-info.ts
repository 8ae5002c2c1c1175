import { CLASSIC_PREFIX } from "../protocol/classic.ts";
import type { ErrorInfo, ModuleRef } from "../protocol/messages.ts";
import { compiledPath, evaluated } from "./invoke.ts";

const FRAME_POSITION = /:(\d+):(\d+)\)?\s*$/;

/**
 * A thrown value -> plain data with the line and column in the user's own file. Deno applies the
 * compiled module's inline source map to stack frames itself; Bun does not, so a frame that points
 * into the compiled module is mapped here (only when an error happens: never on the happy path).
 */
export async function toErrorInfo(error: unknown, modules: ModuleRef[]): Promise<ErrorInfo> {
  const message = error instanceof Error ? error.message : String(error);
  const stack = error instanceof Error ? error.stack : undefined;
  for (const frame of stack?.split("\n") ?? []) {
    const position = FRAME_POSITION.exec(frame);
    if (!position) continue;
    const line = Number(position[1]);
    const column = Number(position[2]);
    for (const ref of modules) {
      if (frame.includes(ref.source)) {
        return { code: "SCRIPT_ERROR", message, stack, file: ref.file, line, column };
      }
      const compiled = compiledPath(ref);
      if (frame.includes(compiled)) {
        // An evaluated classic script's first line starts with its prefix (protocol/classic.ts).
        const shift = evaluated(ref) && line === 1 ? CLASSIC_PREFIX.length : 0;
        const original = await mapPosition(compiled, line, column - shift);
        return { code: "SCRIPT_ERROR", message, stack, file: ref.file, ...original };
      }
    }
  }
  return { code: "SCRIPT_ERROR", message, stack };
}

async function mapPosition(
  compiled: string,
  line: number,
  column: number,
): Promise<{ line?: number; column?: number }> {
  try {
    // Loaded on the first error only: a Worker's boot stays small.
    const [{ originalPositionFor, TraceMap }, { readFile }] = await Promise.all([
      import("@jridgewell/trace-mapping"),
      import("node:fs/promises"),
    ]);
    const code = await readFile(compiled, "utf8");
    const inline = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/
      .exec(code);
    if (!inline) return {};
    const map = new TraceMap(atob(inline[1]!));
    const original = originalPositionFor(map, { line, column: column - 1 });
    return original.line === null ? {} : { line: original.line, column: original.column + 1 };
  } catch {
    // A missing or unreadable map only costs the position, never the error itself.
    return {};
  }
}
