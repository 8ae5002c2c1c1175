// The compile Worker: owns esbuild so the ~250 ms start and every transform stay off the
// server's event loop. Messages are plain data.
import { bundle, type BundleFiles } from "./bundle.ts";
import { toClassicScript } from "./classic-script.ts";
import { initEsbuild, transpile } from "./esbuild.ts";
import type { ScriptShape } from "../protocol/messages.ts";
import { type CompileFailure, normalise, toLoader } from "./normalise.ts";
import { toOriginalPosition } from "./text-editor.ts";

export type CompileRequest =
  | {
    id: number;
    kind: "compile";
    source: string;
    /** The user's file, absolute. */
    filename: string;
  }
  /** One of our own entry files, bundled as `<prefix>.mjs` and its parts (bundle.ts). */
  | { id: number; kind: "bundle"; entry: string; prefix: string };

export type CompileReply =
  | {
    id: number;
    kind: "compiled";
    code: string;
    shape: ScriptShape;
    imports: string[];
    importsProcess: boolean;
    runsWithinCall: boolean;
    transformations: string[];
    /** The module as a classic script, when it can be one (classic-script.ts). */
    classic: string | null;
  }
  | { id: number; kind: "bundled"; files: BundleFiles }
  | { id: number; kind: "failed"; error: CompileFailure }
  /** The compiler itself broke (esbuild did not start, an internal error): not the script's fault. */
  | { id: number; kind: "fault"; message: string };

interface WorkerScope {
  onmessage: ((event: MessageEvent<CompileRequest>) => void) | null;
  postMessage(message: CompileReply): void;
}

const scope = globalThis as unknown as WorkerScope;

// Started before the first request arrives: the first compile then waits only for what is left.
initEsbuild().catch(() => {
  // Reported to the first request, whose transpile() awaits the same promise.
});

scope.onmessage = (event) => {
  const request = event.data;
  const work = request.kind === "bundle"
    ? bundle(request.entry, request.prefix).then((files): CompileReply => ({
      id: request.id,
      kind: "bundled",
      files,
    }))
    : compile(request);
  work.then(
    (reply) => scope.postMessage(reply),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      scope.postMessage({ id: event.data.id, kind: "fault", message });
    },
  );
};

async function compile(
  { id, source, filename }: Extract<CompileRequest, { kind: "compile" }>,
): Promise<CompileReply> {
  const normalised = normalise(source, filename);
  if (!normalised.ok) return { id, kind: "failed", error: normalised.error };
  const loader = toLoader(filename);
  const result = await transpile(normalised.code, { loader, sourcefile: filename });
  if (!result.ok) {
    const lastLine = source.split("\n").length;
    const position = toOriginalPosition(normalised.insertions, {
      line: result.error.line,
      column: result.error.column + 1,
    });
    // Errors in the wrapper's closing lines belong to the end of the user's file.
    const line = Math.min(position.line, lastLine);
    const column = position.line > lastLine ? 1 : position.column;
    return { id, kind: "failed", error: { message: result.error.message, line, column } };
  }
  const { shape, imports, importsProcess, runsWithinCall, transformations } = normalised;
  return {
    id,
    kind: "compiled",
    code: result.code,
    shape,
    imports,
    importsProcess,
    runsWithinCall,
    transformations,
    classic: toClassicScript(result.code),
  };
}
