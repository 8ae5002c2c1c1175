import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type CompiledModule,
  type CompileResult,
  createCompiler,
} from "../../runtime/compile/compiler.ts";

const root = await mkdtemp(join(tmpdir(), "hoody-compile-"));
const cacheDir = join(root, "cache");
const compiler = createCompiler({ cacheDir });

after(async () => {
  compiler.close();
  await rm(root, { recursive: true, force: true });
});

function expectModule(result: CompileResult): CompiledModule {
  if (!result.ok) assert.fail(`expected a compiled module, got ${JSON.stringify(result.error)}`);
  return result.module;
}

type Handler = (...args: unknown[]) => unknown;

/** Writes `files` (path relative to `root` -> source) and returns their absolute paths. */
async function writeScripts(files: Record<string, string>): Promise<Record<string, string>> {
  const paths: Record<string, string> = {};
  for (const [name, source] of Object.entries(files)) {
    const path = join(root, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, source);
    paths[name] = path;
  }
  return paths;
}

/** The `sources` of the inline source map at the end of a compiled module. */
async function getMapSources(module: CompiledModule): Promise<string[]> {
  const code = await readFile(module.path, "utf8");
  const base64 = /sourceMappingURL=data:application\/json;base64,(\S+)\s*$/.exec(code)?.[1];
  assert.ok(base64, "expected an inline source map");
  return (JSON.parse(atob(base64)) as { sources: string[] }).sources;
}

async function importHandler(
  module: CompiledModule,
): Promise<{ default: Handler; __shape: string }> {
  return await import(module.url);
}

/** Counts Workers the compiler starts by swapping the global constructor during `run`. */
async function countWorkers<T>(run: () => Promise<T>): Promise<{ value: T; workers: number }> {
  const Original = globalThis.Worker;
  let workers = 0;
  globalThis.Worker = class extends Original {
    constructor(...args: ConstructorParameters<typeof Worker>) {
      super(...args);
      workers++;
    }
  };
  try {
    return { value: await run(), workers };
  } finally {
    globalThis.Worker = Original;
  }
}

describe("createCompiler", () => {
  test("compiles a return script that the sandbox can import and call", async () => {
    const source = "// @timeout 5000\nconst id: string = metadata.parameters.id;\nreturn { id };\n";
    const module = expectModule(await compiler.compile(source, "/scripts/1/users/[id].ts"));
    assert.equal(module.shape, "return");
    assert.equal(module.path, join(cacheDir, `${module.hash}.mjs`));
    assert.deepEqual(module.transformations, ["wrap-async-function"]);
    const loaded = await importHandler(module);
    assert.equal(loaded.__shape, "return");
    assert.deepEqual(await loaded.default({}, {}, { parameters: { id: "42" } }), { id: "42" });
  });

  test("compiles CommonJS, ES module and edge scripts to callable defaults", async () => {
    const cases: [string, string, string, unknown][] = [
      ["commonjs", "cjs.js", "module.exports = async (req) => req.method;", "GET"],
      ["esm", "esm.ts", "export default (req: { method: string }) => req.method;", "GET"],
      ["edge", "edge.ts", "export default { fetch: (request: Request) => request.method };", "GET"],
    ];
    for (const [shape, filename, source, expected] of cases) {
      const module = expectModule(await compiler.compile(source, filename));
      assert.equal(module.shape, shape);
      const loaded = await importHandler(module);
      assert.equal(loaded.__shape, shape);
      const handler = typeof loaded.default === "function"
        ? loaded.default
        : (loaded.default as { fetch: Handler }).fetch;
      assert.equal(await handler({ method: "GET" }), expected);
    }
  });

  test("lets a return script declare its own res, metadata and require", async () => {
    const source = "const res = { v: 1 };\nconst metadata = 2;\nconst require = () => 3;\n" +
      "return res.v + metadata + require();";
    const module = expectModule(await compiler.compile(source, "shadow.ts"));
    assert.equal(await (await importHandler(module)).default({}, {}, {}), 6);
  });

  test("gives return and ES module scripts the sandbox's global require", async () => {
    const scope = globalThis as { require?: unknown };
    scope.require = (id: string) => `sandbox:${id}`;
    try {
      for (const source of ["return require('pkg');", "export default () => require('pkg');"]) {
        const module = expectModule(await compiler.compile(source, "requires.ts"));
        assert.equal(await (await importHandler(module)).default(), "sandbox:pkg", source);
      }
    } finally {
      delete scope.require;
    }
  });

  test("lists the bare packages a script imports", async () => {
    const source = "import type { T } from 'types';\nconst _ = require('lodash/fp');\n" +
      "const z = () => import('@scope/pkg/sub');\nreturn [_, z];";
    assert.deepEqual(expectModule(await compiler.compile(source, "deps.ts")).imports, [
      "lodash",
      "@scope/pkg",
    ]);
  });

  test("reports a syntax error at its line and column in the original file", async () => {
    const result = await compiler.compile("// @mode worker\nconst a = 1;\nconst b = ;\n", "bad.ts");
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual([result.error.line, result.error.column], [3, 11]);
  });

  test("maps esbuild errors back through the wrapper to original columns", async () => {
    const cases: [string, string, number, number][] = [
      ["a redeclaration on the wrapped line", "const a = 1; const a = 2;\nreturn a;", 1, 20],
      ["a top-level return in an ES module", "export default 1;\nreturn 2;", 2, 1],
      ["a type annotation in a .js file", "// js\nconst a: number = 1;\nreturn a;", 2, 8],
      [
        "a redeclaration after a rewritten import",
        "const m = import('./m.ts'); const m = 2;",
        1,
        35,
      ],
    ];
    for (const [name, source, line, column] of cases) {
      const filename = name.includes(".js") ? "plain.js" : "wrapped.ts";
      const result = await compiler.compile(source, filename);
      assert.equal(result.ok, false, name);
      if (result.ok) continue;
      assert.deepEqual([result.error.line, result.error.column], [line, column], name);
    }
  });

  test("compiles concurrent requests for the same file and source once", async () => {
    const source = "return 'same';";
    const [first, second] = await Promise.all([
      compiler.compile(source, "a.ts"),
      compiler.compile(source, "a.ts"),
    ]);
    assert.equal(first, second);
    const files = await readdir(cacheDir);
    const hash = expectModule(first!).hash;
    assert.deepEqual(files.filter((file) => file.startsWith(hash)).sort(), [
      `${hash}.json`,
      `${hash}.mjs`,
    ]);
  });

  test("answers a disk hit without starting the compile Worker", async () => {
    const source = "return 'cached';";
    const compiled = expectModule(await compiler.compile(source, "cached.ts"));
    const record = JSON.parse(await readFile(join(cacheDir, `${compiled.hash}.json`), "utf8"));
    assert.deepEqual({ ...record, classic: typeof record.classic }, {
      shape: "return",
      imports: [],
      importsProcess: false,
      runsWithinCall: true,
      transformations: ["wrap-async-function"],
      classic: "string",
    });
    const restarted = createCompiler({ cacheDir });
    try {
      const { value, workers } = await countWorkers(() => restarted.compile(source, "cached.ts"));
      assert.equal(workers, 0);
      assert.deepEqual(expectModule(value), compiled);
      assert.equal(await (await importHandler(compiled)).default(), "cached");
    } finally {
      restarted.close();
    }
  });

  test("keys the cache by file as well as source", async () => {
    const source = "return import.meta.url;";
    const files = [
      join(root, "1", "same.ts"),
      join(root, "2", "same.ts"),
      join(root, "1", "same.js"),
    ];
    const modules = [];
    for (const file of files) modules.push(expectModule(await compiler.compile(source, file)));
    assert.equal(new Set(modules.map((module) => module.hash)).size, files.length);
    for (const [index, module] of modules.entries()) {
      const file = files[index]!;
      assert.equal(await (await importHandler(module)).default(), pathToFileURL(file).href);
      assert.deepEqual((await getMapSources(module)).map((source) => source.endsWith(file)), [
        true,
      ]);
    }
  });

  test("clear() forgets results in memory and answers again from disk", async () => {
    const source = "return 'cleared';";
    const before = await compiler.compile(source, "clear.ts");
    compiler.clear();
    const after = await compiler.compile(source, "clear.ts");
    assert.notEqual(after, before);
    assert.deepEqual(after, before);
  });

  test("resolves relative imports from the user's file, not the cache folder", async () => {
    const paths = await writeScripts({
      "scripts/1/_lib/helpers.ts": "export const x: number = 41;\n",
      "scripts/1/main.ts": "import { x } from './_lib/helpers.ts';\nreturn x + 1;\n",
      "scripts/other.ts": "export const y = 'from other';\n",
      "scripts/1/dyn.ts": "export const value = 'dynamic';\n",
      "scripts/1/reexport.ts": "export { y } from '../other.ts';\n" +
        "export default async () => (await import('./dyn.ts')).value;\n",
    });
    const main = expectModule(
      await compiler.compile(
        await readFile(paths["scripts/1/main.ts"]!, "utf8"),
        paths["scripts/1/main.ts"]!,
      ),
    );
    assert.equal(await (await importHandler(main)).default({}, {}, {}), 42);
    const file = paths["scripts/1/reexport.ts"]!;
    const reexport = expectModule(await compiler.compile(await readFile(file, "utf8"), file));
    assert.equal(reexport.shape, "esm");
    assert.deepEqual(reexport.transformations, ["resolve-relative-imports"]);
    const loaded = (await importHandler(reexport)) as { default: Handler; y?: string };
    assert.equal(loaded.y, "from other");
    assert.equal(await loaded.default(), "dynamic");
  });

  test("gives a script its own file's import.meta", async () => {
    const file = join(root, "scripts", "meta", "where.ts");
    const source =
      "export default () => [import.meta.url, import.meta.filename, import.meta.dirname];";
    const module = expectModule(await compiler.compile(source, file));
    assert.deepEqual(await (await importHandler(module)).default(), [
      pathToFileURL(file).href,
      file,
      dirname(file),
    ]);
  });

  test("rejects compiles after close", async () => {
    const closed = createCompiler({ cacheDir });
    closed.close();
    await assert.rejects(closed.compile("return 1;", "x.ts"), /closed/);
  });

  // Bun does not apply inline source maps to stack traces (only to files it transpiles itself).
  test("points runtime stack traces at original lines in a Worker (Deno only)", {
    skip: "Bun" in globalThis,
  }, async () => {
    const filename = join(root, "scripts", "throws.ts");
    const source =
      "// @timeout 5\n\ninterface Input { n: number }\nconst input: Input = { n: 1 };\n\n" +
      "if (input.n) throw new Error('line 6');\nreturn input;\n";
    const module = expectModule(await compiler.compile(source, filename));
    const probe = join(root, "probe.mjs");
    await writeFile(
      probe,
      "self.onmessage = async (event) => {\n" +
        "  const module = await import(event.data);\n" +
        "  try { await module.default(); } catch (error) { self.postMessage(String(error.stack)); }\n" +
        "};\n",
    );
    const worker = new Worker(pathToFileURL(probe).href, { type: "module" });
    try {
      const stack = await new Promise<string>((resolve) => {
        worker.onmessage = (event: MessageEvent<string>) => resolve(event.data);
        worker.postMessage(module.url);
      });
      assert.match(stack, /throws\.ts:6:/);
    } finally {
      worker.terminate();
    }
  });
});
