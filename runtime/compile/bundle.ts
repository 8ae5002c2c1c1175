import * as esbuild from "esbuild-wasm/esm/browser.js";
import { readFile } from "node:fs/promises";
import { createRequire, isBuiltin } from "node:module";
import { basename, dirname, extname, resolve } from "node:path";
import { initEsbuild } from "./esbuild.ts";

const LOADERS: Record<string, esbuild.Loader> = {
  ts: "ts",
  mts: "ts",
  js: "js",
  mjs: "js",
  cjs: "js",
};

/** A bundle's modules by name: `<prefix>.mjs`, the entry, and `<prefix>.<part>.mjs` per part. */
export type BundleFiles = Record<string, string>;

/**
 * Bundles one entry and everything it imports statically (but runtime built-ins) into one ES
 * module, `<prefix>.mjs`. A file of ours it imports dynamically becomes a part of its own,
 * `<prefix>.<name>.mjs` beside it, bundled the same way and loaded only when that import runs: a
 * fresh Worker then loads only what its script uses (the sandbox: 47 of its 69 KB for a hello,
 * which matters most on Deno, whose serverless Workers compile all they load). A part carries its
 * own copy of what it imports, so it must share no module state with the entry: what it needs of
 * that, it is given (websocket.ts gets `markUpgrade` from its caller).
 * The browser build of esbuild has no file system, so a plugin resolves and reads files itself.
 */
export async function bundle(entry: string, prefix: string): Promise<BundleFiles> {
  await initEsbuild();
  const parts = new Map<string, string>(); // part name -> its source file
  const files: BundleFiles = {};
  const queue: [string, string][] = [[`${prefix}.mjs`, entry]];
  for (let next; (next = queue.shift());) {
    const [name, file] = next;
    files[name] = await bundleOne(file, (source) => {
      const part = basename(source, extname(source));
      const known = parts.get(part);
      if (known !== undefined && known !== source) {
        throw new Error(`two lazily imported files are both named ${part}: ${known} and ${source}`);
      }
      const fileName = `${prefix}.${part}.mjs`;
      if (known === undefined) {
        parts.set(part, source);
        queue.push([fileName, source]);
      }
      return `./${fileName}`;
    });
  }
  return files;
}

/** One module: `lazy` names the part a dynamic import of one of our files loads instead. */
async function bundleOne(entry: string, lazy: (source: string) => string): Promise<string> {
  const deferred = new Set<string>();
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
            const absolute = resolve(resolveDir || dirname(importer), path);
            return kind === "dynamic-import" ? defer(lazy(absolute)) : { path: absolute };
          }
          // A package our code imports lazily stays its own module, read on first use: a
          // Worker's boot is mostly parsing its bundle, and such a package is rarely needed.
          if (kind === "dynamic-import") return defer(import.meta.resolve(path));
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
  return deferImports(result.outputFiles[0]!.text, deferred);

  function defer(specifier: string): esbuild.OnResolveResult {
    deferred.add(specifier);
    return { path: specifier, external: true };
  }
}

/**
 * Deno reads every module a string-literal `import()` names, and all that those import, when a
 * Worker loads the module holding it, whether or not the import ever runs (one unused import of
 * the AI SDK: ~1.3 ms more per fresh Worker in a bare loop). A specifier that is not a literal
 * waits for run time, so each lazy import is printed as `import(["specifier"][0])`.
 */
function deferImports(code: string, specifiers: ReadonlySet<string>): string {
  for (const specifier of specifiers) {
    const literal = JSON.stringify(specifier);
    if (!code.includes(`import(${literal})`)) {
      throw new Error(`bundle: esbuild printed the import of ${literal} in an unexpected form`);
    }
    code = code.replaceAll(`import(${literal})`, `import([${literal}][0])`);
  }
  return code;
}
