/**
 * Rewrites the magic-comment header of a script and nothing else: every byte outside the
 * directive lines that change stays as it was (line endings, BOM, shebang, code). Pure.
 */
import { DIRECTIVE_SPECS, getDirectiveSpec } from "../runtime/directives/table.ts";
import type { DirectiveSpec } from "../runtime/directives/spec.ts";
import { parseDirectives } from "../runtime/directives/parse.ts";

/** Directive name without `@` -> new value as written, or null to remove the line. */
export type CommentChanges = Map<string, string | null>;

const DIRECTIVE_LINE = /^([ \t]*\/\/[ \t]*)@(\S+)/;

const BY_KEY = new Map<string, DirectiveSpec>(DIRECTIVE_SPECS.map((s) => [s.key, s]));

/** `mode`, `@mode` and the field name `corsCredentials` all name `@cors-credentials`-style specs. */
export function findSpec(name: string): DirectiveSpec | undefined {
  const bare = name.startsWith("@") ? name.slice(1) : name;
  return getDirectiveSpec(bare) ?? BY_KEY.get(bare as DirectiveSpec["key"]);
}

interface Line {
  text: string;
  /** Directive name when the line is a `// @name` header line. */
  name?: string;
  prefix?: string;
}

function splitLines(source: string, headerLines: number): Line[] {
  const lines: Line[] = source.split("\n").map((text) => ({ text }));
  let inBlock = false;
  for (let i = 0; i < Math.min(headerLines, lines.length); i++) {
    const text = lines[i]!.text.replace(/\r$/, "");
    if (inBlock) {
      inBlock = !text.includes("*/");
      continue;
    }
    const match = DIRECTIVE_LINE.exec(text);
    if (match) {
      lines[i]!.name = match[2];
      lines[i]!.prefix = match[1];
    } else if (text.includes("/*") && !text.slice(text.indexOf("/*")).includes("*/")) {
      inBlock = true;
    }
  }
  return lines;
}

/** The source with `changes` applied to its header; new directives go after the last one. */
export function rewriteHeader(source: string, changes: CommentChanges): string {
  const bom = source.startsWith("\uFEFF") ? "\uFEFF" : "";
  const body = source.slice(bom.length);
  const eol = body.includes("\r\n") ? "\r" : "";
  const { headerLines } = parseDirectives(body);
  const lines = splitLines(body, headerLines);
  const removed = new Set<number>();
  const pending = new Map(changes);
  for (const [name, value] of changes) {
    const at = lines.flatMap((line, i) => line.name === name ? [i] : []);
    if (at.length === 0) continue;
    pending.delete(name);
    const last = at.pop()!;
    for (const i of at) removed.add(i);
    if (value === null) removed.add(last);
    else lines[last]!.text = `${lines[last]!.prefix}@${name} ${value}${eol}`;
  }
  const added: Line[] = [];
  for (const [name, value] of pending) {
    if (value !== null) added.push({ text: `// @${name} ${value}${eol}` });
  }
  let insertAt = lines.findLastIndex((line, i) => line.name !== undefined && !removed.has(i)) + 1;
  if (insertAt === 0) insertAt = body.startsWith("#!") ? 1 : 0;
  const out: Line[] = [];
  for (const [i, line] of lines.entries()) {
    if (i === insertAt) out.push(...added);
    if (!removed.has(i)) out.push(line);
  }
  if (insertAt >= lines.length) out.push(...added);
  return bom + out.map((line) => line.text).join("\n");
}
