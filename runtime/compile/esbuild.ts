import * as esbuild from "esbuild-wasm/esm/browser.js";
import { readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Loader } from "./normalise.ts";

/** An esbuild error; `line` is 1-based, `column` 0-based in UTF-16 units, both in esbuild's input. */
export interface TranspileError {
  message: string;
  line: number;
  column: number;
}

export type TranspileResult = { ok: true; code: string } | { ok: false; error: TranspileError };

let ready: Promise<void> | undefined;

/**
 * Starts esbuild once. The browser build with the compiled module and `worker: false` is the one
 * set-up that runs on both Deno and Bun (the package's main entry spawns `node`).
 */
export function initEsbuild(): Promise<void> {
  ready ??= (async () => {
    const path = fileURLToPath(import.meta.resolve("esbuild-wasm/esbuild.wasm"));
    const wasmModule = await WebAssembly.compile(await readFile(path));
    await esbuild.initialize({ wasmModule, worker: false });
  })();
  return ready;
}

/**
 * TS/TSX/JS/JSX -> ES module JavaScript with an inline source map naming `sourcefile`, the user's
 * absolute file path; `import.meta.url`, `.filename` and `.dirname` become that file's.
 */
export async function transpile(
  code: string,
  options: { loader: Loader; sourcefile: string },
): Promise<TranspileResult> {
  await initEsbuild();
  const { loader, sourcefile } = options;
  try {
    const result = await esbuild.transform(code, {
      loader,
      sourcefile,
      // The compiled module runs from the cache folder, not from the user's file.
      define: {
        "import.meta.url": JSON.stringify(pathToFileURL(sourcefile).href),
        "import.meta.filename": JSON.stringify(sourcefile),
        "import.meta.dirname": JSON.stringify(dirname(sourcefile)),
      },
      format: "esm",
      platform: "neutral",
      target: "esnext",
      charset: "utf8",
      sourcemap: "inline",
      sourcesContent: false,
      logLevel: "silent",
    });
    return { ok: true, code: result.code };
  } catch (error) {
    const first = isTransformFailure(error) ? error.errors[0] : undefined;
    if (!first) throw error;
    const location = first.location;
    if (!location) return { ok: false, error: { message: first.text, line: 1, column: 0 } };
    const column = toUtf16Column(location.lineText, location.column);
    return { ok: false, error: { message: first.text, line: location.line, column } };
  }
}

function isTransformFailure(error: unknown): error is esbuild.TransformFailure {
  return error instanceof Error && Array.isArray((error as { errors?: unknown }).errors);
}

// esbuild counts columns in UTF-8 bytes; the rest of the compiler counts UTF-16 units.
function toUtf16Column(lineText: string, byteColumn: number): number {
  const bytes = new TextEncoder().encode(lineText).subarray(0, byteColumn);
  return new TextDecoder().decode(bytes).length;
}
