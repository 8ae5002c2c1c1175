/**
 * What users copy type-checks against the globals they get: every script under `examples/`, and
 * every fenced TypeScript block (```ts or ```typescript) in `README.md` and `docs/*.md`, checked
 * by the project's own checker (`validate --typecheck`'s, against types/index.d.ts).
 *
 * Each block is checked on its own, as one whole script file. A block that is not one (a fragment,
 * a line that needs context around it) opts out with this as its first line:
 *
 *     // not checked
 *
 * The blocks are found by their fences alone, so the docs can be rewritten freely.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { typeChecker } from "../../runtime/typecheck/typecheck.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const OPT_OUT = "// not checked";
const SCRIPT = /\.[mc]?[jt]sx?$/;

after(() => typeChecker.close());

interface Block {
  /** 1-based line of the block's first line of code. */
  line: number;
  source: string;
}

/**
 * The TypeScript blocks of a Markdown text, fences indented or not (a list item's are); a fence
 * closes on a line of at least as many of the same character. Opted-out blocks are left out.
 */
function typeScriptBlocks(markdown: string): Block[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(\S*)/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open as unknown as [string, string, string, string];
    const close = new RegExp(`^\\s*${fence[0]}{${fence.length},}\\s*$`);
    const start = i + 1;
    while (++i < lines.length && !close.test(lines[i]!));
    if (!/^(ts|typescript)$/i.test(info)) continue;
    const code = lines.slice(start, i).map((line) =>
      line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()
    );
    if (code[0]?.trim() === OPT_OUT) continue;
    blocks.push({ line: start + 1, source: code.join("\n") + "\n" });
  }
  return blocks;
}

async function scriptsUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (
      entry.isFile() && SCRIPT.test(entry.name) && !/[\\/](node_modules|_hoody)[\\/]/.test(path)
    ) {
      found.push(path);
    }
  }
  return found.sort();
}

async function markdownFiles(): Promise<string[]> {
  const docs = join(ROOT, "docs");
  const names = (await readdir(docs)).filter((name) => name.endsWith(".md")).sort();
  return [join(ROOT, "README.md"), ...names.map((name) => join(docs, name))];
}

/** The checker's diagnostics, one line each, numbered as the user's file. */
async function problems(source: string, filename: string, firstLine = 1): Promise<string[]> {
  const diagnostics = await typeChecker.check(source, filename);
  return diagnostics.map((d) =>
    `line ${d.line + firstLine - 1}:${d.column} TS${d.code} ${d.message}`
  );
}

// Found before the suites are declared: Deno's node:test takes no tests from an async describe.
const examples = await scriptsUnder(join(ROOT, "examples"));
const docs: { file: string; blocks: Block[] }[] = [];
for (const file of await markdownFiles()) {
  docs.push({ file, blocks: typeScriptBlocks(await readFile(file, "utf8")) });
}

describe("the examples type-check as scripts", () => {
  for (const path of examples) {
    test(path.slice(ROOT.length), async () => {
      assert.deepEqual(await problems(await readFile(path, "utf8"), path), []);
    });
  }
});

describe("the docs' TypeScript blocks type-check as scripts", () => {
  for (const { file, blocks } of docs) {
    for (const block of blocks) {
      test(`${file.slice(ROOT.length)}:${block.line}`, async () => {
        // Beside the Markdown file, so a relative import resolves as it reads there.
        const filename = `${file}.${block.line}.ts`;
        assert.deepEqual(await problems(block.source, filename, block.line), []);
      });
    }
  }
});

describe("the check itself", () => {
  test("finds ts blocks by fence: indented, ~~~, typescript; skips others and opt-outs", () => {
    const markdown = [
      "1. Save this:",
      "   ```ts",
      "   return req.method;",
      "   ```",
      "```sh",
      "echo not typescript",
      "```",
      "~~~typescript",
      "return 1;",
      "~~~",
      "```ts",
      "// not checked",
      "res.",
      "```",
      "````ts",
      "const inner = '```';",
      "````",
    ].join("\n");
    assert.deepEqual(typeScriptBlocks(markdown), [
      { line: 3, source: "return req.method;\n" },
      { line: 9, source: "return 1;\n" },
      { line: 16, source: "const inner = '```';\n" },
    ]);
  });

  test("a wrong script gets diagnostics, on the block's own lines", async () => {
    const [block] = typeScriptBlocks("text\n\n```ts\nres.status(200);\nreturn req.methd;\n```\n");
    assert.ok(block);
    const found = await problems(block.source, join(ROOT, "wrong.md.4.ts"), block.line);
    assert.equal(found.length, 1, found.join("\n"));
    assert.match(found[0]!, /^line 5:12 TS2551 Property 'methd' does not exist on type/);
  });

  test("the surface the sandbox has is declared: res.on, headersSent, ended, request", async () => {
    const source = [
      '/// <reference types="hoody-exec/types" />',
      'res.on("close", () => console.log("client left"));',
      'if (!res.headersSent && !res.ended) res.setHeader("x-url", request.url);',
      "return { same: request === metadata.request, ws: ws.connections.size };",
    ].join("\n");
    assert.deepEqual(await problems(source, join(ROOT, "surface.ts")), []);
  });
});
