/**
 * Text put into a line, possibly in place of some of the original: the one kind of edit that moves
 * anything (the later columns of that line).
 */
export interface Insertion {
  /** 1-based line of the edited text. */
  line: number;
  /** 0-based column (UTF-16) in the edited text where the inserted text starts. */
  column: number;
  length: number;
  /** How many original characters the inserted text stands in for. */
  replaced: number;
}

export interface TextEditor {
  /** Puts `text` before the original character at `offset` (at most once per offset). */
  insert(offset: number, text: string): void;
  /** Puts `text` in place of the original characters in [start, end), all on one line. */
  replace(start: number, end: number, text: string): void;
  /** Spaces over [start, end) but its line breaks, dropping edits made inside it. */
  blank(start: number, end: number): void;
  /** The edited text, and where each insertion landed in it. */
  toResult(): { code: string; insertions: Insertion[] };
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Edits addressed by offsets into the original text, so no edit moves another. */
export function createTextEditor(source: string): TextEditor {
  // One slot per original UTF-16 unit, plus one for the end of the text.
  const slots = [...source.split(""), ""];
  let edits: Edit[] = [];

  function toInsertion(edit: Edit): Insertion {
    const lineStart = source.lastIndexOf("\n", edit.start - 1) + 1;
    const line = source.slice(0, lineStart).split("\n").length;
    const column = slots.slice(lineStart, edit.start).join("").length;
    return { line, column, length: edit.text.length, replaced: edit.end - edit.start };
  }

  return {
    insert(offset, text) {
      slots[offset] = text + slots[offset];
      edits.push({ start: offset, end: offset, text });
    },
    replace(start, end, text) {
      slots[start] = text;
      slots.fill("", start + 1, end);
      edits.push({ start, end, text });
    },
    blank(start, end) {
      for (let i = start; i < end; i++) {
        const original = source[i];
        slots[i] = original === "\n" || original === "\r" ? original : " ";
      }
      edits = edits.filter((edit) => edit.start < start || edit.start >= end);
    },
    toResult() {
      const insertions = edits.map(toInsertion)
        .sort((a, b) => a.line - b.line || a.column - b.column);
      return { code: slots.join(""), insertions };
    },
  };
}

/** Maps a 1-based position in edited text back to the original text. */
export function toOriginalPosition(
  insertions: readonly Insertion[],
  position: { line: number; column: number },
): { line: number; column: number } {
  let column = position.column - 1;
  // Right to left: undoing one insertion leaves the columns of those before it where they were.
  const onLine = insertions.filter((insertion) => insertion.line === position.line)
    .sort((a, b) => b.column - a.column);
  for (const insertion of onLine) {
    if (column < insertion.column) continue;
    // Inside inserted text: the original character it was put before, or in place of.
    column = column < insertion.column + insertion.length
      ? insertion.column
      : column - insertion.length + insertion.replaced;
  }
  return { line: position.line, column: column + 1 };
}
