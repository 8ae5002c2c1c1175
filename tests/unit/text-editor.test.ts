import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createTextEditor, toOriginalPosition } from "../../runtime/compile/text-editor.ts";

describe("createTextEditor", () => {
  test("addresses every edit by its offset in the original text", () => {
    const editor = createTextEditor("import a from './a';\nreturn a;");
    editor.replace(14, 19, '"file:///a.ts"');
    editor.insert(20, " {{");
    editor.insert(30, "\n}}");
    const { code, insertions } = editor.toResult();
    assert.equal(code, 'import a from "file:///a.ts"; {{\nreturn a;\n}}');
    assert.deepEqual(insertions, [
      { line: 1, column: 14, length: 14, replaced: 5 },
      { line: 1, column: 29, length: 3, replaced: 0 },
      { line: 2, column: 9, length: 3, replaced: 0 },
    ]);
  });

  test("blanks all but line breaks and drops the edits inside", () => {
    const editor = createTextEditor("a;\r\nimport b from './b';\nc;");
    editor.replace(18, 23, '"/b"');
    editor.blank(4, 24);
    const { code, insertions } = editor.toResult();
    assert.equal(code, `a;\r\n${" ".repeat(20)}\nc;`);
    assert.deepEqual(insertions, []);
  });

  test("counts columns in UTF-16 units", () => {
    const editor = createTextEditor("const s = '😀'; import('./x');");
    editor.replace(23, 28, '"/x"');
    assert.deepEqual(editor.toResult().insertions, [
      { line: 1, column: 23, length: 4, replaced: 5 },
    ]);
  });
});

describe("toOriginalPosition", () => {
  const insertions = [
    { line: 2, column: 10, length: 5, replaced: 0 },
    { line: 3, column: 4, length: 10, replaced: 3 },
    { line: 3, column: 20, length: 2, replaced: 0 },
  ];
  const cases: [string, number, number, number][] = [
    ["another line", 1, 30, 30],
    ["before the insertion", 2, 10, 10],
    ["inside the inserted text: its first original column", 2, 11, 11],
    ["the end of the inserted text", 2, 15, 11],
    ["the first original character after it", 2, 16, 11],
    ["later on the line", 2, 20, 15],
    ["inside a replacement: the start of what it replaced", 3, 9, 5],
    ["right after a replacement", 3, 15, 8],
    ["after a replacement and an insertion", 3, 25, 16],
  ];
  for (const [name, line, column, expected] of cases) {
    test(`${line}:${column} -> ${line}:${expected} (${name})`, () => {
      assert.deepEqual(toOriginalPosition(insertions, { line, column }), {
        line,
        column: expected,
      });
    });
  }
});
