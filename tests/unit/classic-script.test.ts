import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CompiledModule, createCompiler } from "../../runtime/compile/compiler.ts";
import type { ModuleRef } from "../../runtime/protocol/messages.ts";
import { toErrorInfo } from "../../runtime/sandbox/error-info.ts";
import { loadScript } from "../../runtime/sandbox/invoke.ts";

const root = await mkdtemp(join(tmpdir(), "hoody-classic-"));
const compiler = createCompiler({ cacheDir: join(root, "cache") });
let named = 0;

after(async () => {
  compiler.close();
  await rm(root, { recursive: true, force: true });
});

/** Compiled as `s<n>.ts` in the temporary folder. */
async function compile(source: string): Promise<CompiledModule & { source: string }> {
  named += 1;
  const path = join(root, `s${named}.ts`);
  const result = await compiler.compile(source, path);
  if (!result.ok) assert.fail(`expected a compiled module, got ${JSON.stringify(result.error)}`);
  return { ...result.module, source: path };
}

function refOf(module: CompiledModule & { source: string }, classic: string | null): ModuleRef {
  return {
    url: module.url,
    shape: module.shape,
    file: "s.ts",
    source: module.source,
    usesRequire: false,
    importsProcess: module.importsProcess,
    runsWithinCall: module.runsWithinCall,
    classic,
  };
}

type Exports = Record<string, unknown>;

function evaluate(classic: string): Exports {
  return (0, eval)(classic) as Exports;
}

describe("toClassicScript (through the compiler)", () => {
  // [what, source, a classic script?]
  const table: [string, string, boolean][] = [
    ["a return script", `return { a: 1 };`, true],
    ["a return script that awaits (inside its function)", `return await Promise.resolve(1);`, true],
    ["an export default function", `export default function handler() { return 1; }`, true],
    ["an edge object", `export default { fetch() { return new Response("x"); } };`, true],
    ["named exports beside the default", `export const a = 1;\nexport default () => a;`, true],
    ["import.meta.url (made a constant)", `return import.meta.url;`, true],
    [
      "top-level await in a module",
      `const v = await Promise.resolve(2);\nexport default () => v;`,
      false,
    ],
    [
      "top-level await of a parenthesised value",
      `const v = await (2);\nexport default () => v;`,
      false,
    ],
    ["for await at the top level", `for await (const x of []) {}\nexport default () => 1;`, false],
    ["import.meta.resolve", `export default () => import.meta.resolve("./x.js");`, false],
    ["a dynamic import", `export default () => import("./other.ts");`, false],
    ["a package import", `import { z } from "zod";\nexport default () => z;`, false],
    ["module.exports (CommonJS)", `module.exports = () => 1;`, false],
    ["__dirname", `export default () => __dirname;`, false],
    ["a property named module", `const o = { module: 1 };\nexport default () => o.module;`, true],
    ["arguments at the top level", `const a = typeof arguments;\nexport default () => a;`, false],
    ["arguments in a function", `export default function () { return arguments.length; }`, true],
    ["arguments in a top-level arrow", `export default () => arguments.length;`, false],
    [
      "a module over 16 KiB",
      `const s = "${"x".repeat(17 * 1024)}";\nexport default () => s;`,
      false,
    ],
  ];
  for (const [what, source, expected] of table) {
    test(`${what}: ${expected ? "classic" : "imported"}`, async () => {
      const module = await compile(source);
      assert.equal(module.classic !== null, expected, module.classic ?? "(null)");
    });
  }

  test("gives the same exports as the module, strict, its top-level this undefined", async () => {
    const source = `const self = this;\nexport const kind = typeof self;\n` +
      `export default function handler() { return [self === undefined, (function () { return this; })()]; }`;
    const module = await compile(source);
    assert.ok(module.classic);
    const classic = evaluate(module.classic);
    const imported = await import(module.url) as Exports;
    assert.deepEqual(Object.keys(classic).sort(), Object.keys(imported).sort());
    assert.equal(classic.kind, "undefined");
    assert.deepEqual((classic.default as () => unknown)(), [true, undefined]);
  });

  test("keeps its names out of the global scope", async () => {
    const module = await compile(`var leaked = 1;\nfunction alsoLeaked() {}\nreturn leaked;`);
    evaluate(module.classic!);
    assert.equal("leaked" in globalThis, false);
    assert.equal("alsoLeaked" in globalThis, false);
  });
});

describe("a classic script's errors", () => {
  // An error's place in the user's file is the same whether the module was evaluated or imported.
  const cases: [string, string][] = [
    ["thrown as it loads, on line 1", `throw new Error("at load");\nexport default () => 1;`],
    ["thrown in its call", `const x = 1;\nthrow new Error("boom " + x);`],
  ];
  for (const [what, source] of cases) {
    test(what, async () => {
      const module = await compile(source);
      assert.ok(module.classic);
      const place = async (ref: ModuleRef) => {
        try {
          const call = await loadScript(ref);
          await call({} as Parameters<typeof call>[0]);
        } catch (error) {
          const { file, line, column } = await toErrorInfo(error, [ref]);
          return { file, line, column };
        }
        assert.fail("expected the script to throw");
      };
      const evaluated = await place(refOf(module, module.classic));
      const imported = await place(refOf(module, null));
      assert.equal(evaluated.file, "s.ts");
      assert.deepEqual(evaluated, imported);
    });
  }
});
