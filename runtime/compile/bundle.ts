import * as esbuild from "esbuild-wasm/esm/browser.js";
import { readFile } from "node:fs/promises";
import { createRequire, isBuiltin } from "node:module";
import { dirname, resolve } from "node:path";
import { initEsbuild } from "./esbuild.ts";

const LOADERS: Record<string, esbuild.Loader> = {
  ts: "ts",
  mts: "ts",
  js: "js",
  mjs: "js",
  cjs: "js",
};

/**
 * Bundles one entry and everything it imports (but runtime built-ins) into a single ES module.
 * The browser build of esbuild has no file system, so a plugin resolves and reads files itself.
 */
export async function bundle(entry: string): Promise<string> {
  await initEsbuild();
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "esnext",
    logLevel: "silent",
    plugins: [{
      name: "disk",
      setup(build) {
        build.onResolve({ filter: /.*/ }, ({ path, importer, resolveDir, kind }) => {
          if (isBuiltin(path)) return { path, external: true };
          if (path.startsWith(".") || path.startsWith("/")) {
            return { path: resolve(resolveDir || dirname(importer), path) };
          }
          // A package our code imports lazily stays its own module, read on first use: a
          // Worker's boot is mostly parsing its bundle, and such a package is rarely needed.
          if (kind === "dynamic-import") return { path: import.meta.resolve(path), external: true };
          return { path: createRequire(importer || entry).resolve(path) };
        });
        build.onLoad({ filter: /.*/ }, async ({ path }) => ({
          contents: await readFile(path, "utf8"),
          loader: LOADERS[path.split(".").pop() ?? ""] ?? "js",
          resolveDir: dirname(path),
        }));
      },
    }],
  });
  return result.outputFiles[0]!.text;
}
