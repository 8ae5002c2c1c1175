/**
 * The server's checks as editor problems: `validate/script` (with `typecheck: true`) run on demand
 * and while typing, and the diagnostics a refused `scripts/write` carries.
 */
import { ApiError, call } from "../../api.ts";
import { messageOf } from "../../dom.ts";
import { type Problem, SCRIPT_FILE } from "./codemirror.ts";

interface Position {
  line?: number;
  column?: number;
}
interface TypeError extends Position {
  message: string;
  code?: number;
}
interface Warning {
  directive: string;
  message: string;
}

/** What `validate/script` answers (management/endpoints/validate.ts). */
interface ValidateAnswer {
  valid: boolean;
  message: string;
  results: {
    syntax: { valid: boolean; error?: string } & Position;
    dependencies: { missingModules: string[] };
    magicCommentWarnings: Warning[];
    typecheck: { valid: boolean; errors: TypeError[] } | null;
  };
}

/** The 1-based line on which `text` first appears in `source` (0 when it does not). */
function lineOf(source: string, text: string): number {
  const at = source.split("\n").findIndex((line) => line.includes(text));
  return at + 1;
}

/** A magic comment's problem, on the header line naming it (`@mode`). */
function directiveProblem(source: string, warning: Warning, severity: Problem["severity"]) {
  const line =
    source.split("\n").findIndex((l) =>
      new RegExp(`^\\s*//\\s*${warning.directive.replace(/[^\w@-]/g, "\\$&")}(\\s|$)`).test(l)
    ) + 1;
  const column = line > 0 ? source.split("\n")[line - 1]!.indexOf("@") + 1 : 0;
  return { line, column, severity, message: warning.message, source: "magic comment" } as Problem;
}

function typeProblems(errors: readonly TypeError[]): Problem[] {
  return errors.map((e) => ({
    line: e.line ?? 0,
    column: e.column ?? 0,
    severity: "error",
    message: e.message,
    source: e.code ? `TS${e.code}` : "type check",
  }));
}

/** Every problem one `validate/script` answer names. */
export function problemsOfCheck(source: string, answer: ValidateAnswer): Problem[] {
  const { syntax, dependencies, magicCommentWarnings, typecheck } = answer.results;
  const problems: Problem[] = [];
  if (!syntax.valid) {
    problems.push({
      line: syntax.line ?? 0,
      column: syntax.column ?? 0,
      severity: "error",
      message: syntax.error ?? "syntax error",
      source: "syntax",
    });
  }
  problems.push(...typeProblems(typecheck?.errors ?? []));
  for (const warning of magicCommentWarnings) {
    problems.push(directiveProblem(source, warning, "warning"));
  }
  for (const module of dependencies.missingModules) {
    problems.push({
      line: lineOf(source, `"${module}`) || lineOf(source, `'${module}`),
      column: 1,
      severity: "warning",
      message: `package ${module} is not installed (a save installs it)`,
      source: "dependencies",
    });
  }
  return problems;
}

/** Runs the server's checks on `source` as the file at `path` would be. */
export async function checkScript(
  execId: string,
  path: string,
  source: string,
): Promise<{ problems: Problem[]; message: string }> {
  if (source.trim() === "") return { problems: [], message: "Nothing to check: the file is empty" };
  if (!SCRIPT_FILE.test(path)) {
    return { problems: [], message: "Not a script: the server checks this file when it is saved" };
  }
  const answer = await call<ValidateAnswer>("POST", "/validate/script", {
    execId,
    path,
    code: source,
    typecheck: true,
  });
  return { problems: problemsOfCheck(source, answer), message: answer.message };
}

/** The diagnostics a refused write (or rollback) carries: type errors, a line, a directive. */
export function problemsOfRefusal(source: string, error: unknown): Problem[] {
  if (!(error instanceof ApiError) || typeof error.body !== "object" || error.body === null) {
    return [];
  }
  const body = error.body as Position & { errors?: TypeError[]; directive?: string };
  if (Array.isArray(body.errors) && body.errors.length > 0) return typeProblems(body.errors);
  if (typeof body.line === "number") {
    return [{
      line: body.line,
      column: body.column ?? 1,
      severity: "error",
      message: error.message,
      source: error.code,
    }];
  }
  if (typeof body.directive === "string") {
    return [
      directiveProblem(source, { directive: body.directive, message: error.message }, "error"),
    ];
  }
  return [];
}

/**
 * What a refused save says: the API's code and message, its reason and step; for a stale save
 * (412), that the typed text is kept and Reload gets the file as it is now.
 */
export function refusalText(error: unknown): string {
  if (error instanceof ApiError && error.status === 412) {
    return `${messageOf(error)}. Your text is kept here: copy what you need, then Reload ` +
      "to get the file as it is now, and apply your changes again.";
  }
  const body = (error instanceof ApiError ? error.body : null) as {
    step?: unknown;
    reason?: unknown;
  } | null;
  const reason = typeof body?.reason === "string" ? ` (${body.reason})` : "";
  const step = typeof body?.step === "string"
    ? `; refused at step ${body.step}, the old version keeps serving`
    : "";
  return `Not saved: ${messageOf(error)}${reason}${step}`;
}
