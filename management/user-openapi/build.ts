/**
 * Scan, then build: the document of the scripts in some folders of an instance, with the `meta`
 * the generate and spec calls answer beside it.
 */
import type { JsonObject } from "./companions.ts";
import { createUserDocument, type DocumentInfo } from "./document.ts";
import { scanUserScripts } from "./scan.ts";
import type { ScanFolder } from "./scope.ts";

export interface BuildOptions {
  recursive?: boolean;
  include?: string[];
  exclude?: string[];
  info?: DocumentInfo;
}

export interface Generated {
  document: JsonObject;
  meta: { pathCount: number; scanDirectory: string; generatedAt: string; warnings: string[] };
}

export async function buildDocument(
  instanceDir: string,
  folders: readonly ScanFolder[],
  options: BuildOptions = {},
): Promise<Generated> {
  const scripts = await scanUserScripts(instanceDir, {
    dirs: folders.map((f) => f.dir),
    recursive: options.recursive ?? true,
    include: options.include ?? [],
    exclude: options.exclude ?? [],
  });
  const built = createUserDocument(scripts, options.info);
  return {
    document: built.document,
    meta: {
      pathCount: Object.keys(built.document.paths as JsonObject).length,
      scanDirectory: folders.map((f) => f.shown).join(", "),
      generatedAt: new Date().toISOString(),
      warnings: [...scripts.flatMap((s) => s.errors), ...built.warnings],
    },
  };
}
