/**
 * `hoody-exec init [dir]`: a scripts folder with a first endpoint, ready for `serve`: a hello
 * endpoint, or a built-in template (`--template NAME`, `--var name=value`; at a terminal it offers
 * the list).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { dirname, join, resolve } from "node:path";
import { ServerError } from "../../runtime/errors.ts";
import { fileToRoute, isMiddlewareFile } from "../../routing/pattern.ts";
import { parseRelativePath } from "../paths.ts";
import { getBuiltinTemplates } from "../templates/builtin.ts";
import { fillTemplate } from "../templates/fill.ts";
import { CliError } from "./client.ts";

const FIRST_ENDPOINT = `// @description Says hello; try /hello?name=you
// @mode serverless
return { hello: metadata.query.name ?? "world" };
`;

export interface Initialised {
  root: string;
  created: string[];
  kept: string[];
}

/** Writes `content` at `dir/1/<file>` unless a file is there already. */
function writeFirst(dir: string, file: string, content: string): Initialised {
  const root = resolve(dir);
  const target = join(root, "1", file);
  mkdirSync(dirname(target), { recursive: true });
  if (existsSync(target)) return { root, created: [], kept: [`1/${file}`] };
  writeFileSync(target, content, { flag: "wx" });
  return { root, created: [`1/${file}`], kept: [] };
}

export function initScripts(dir: string): Initialised {
  return writeFirst(dir, "hello.ts", FIRST_ENDPOINT);
}

export interface TemplateInitOptions {
  template: string;
  /** `name=value` pairs for the template's params. */
  vars?: string[];
  /** Below the instance; default the template's `outputPath`, else `<name>.ts`. */
  path?: string;
}

/** The first endpoint made from a built-in template, its params from `vars` and defaults. */
export async function initFromTemplate(
  dir: string,
  options: TemplateInitOptions,
): Promise<Initialised> {
  const templates = await getBuiltinTemplates();
  const template = templates.get(options.template);
  if (!template) {
    throw new CliError(
      `no built-in template "${options.template}": pick one of ${[...templates.keys()].join(", ")}`,
    );
  }
  const variables: Record<string, string> = {};
  for (const pair of options.vars ?? []) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new CliError(`--var takes name=value (got "${pair}")`);
    variables[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const filled = fillTemplate(template.code, template.metadata.params, variables);
  if (!filled.ok) {
    const problems = [
      ...filled.missing.map((name) => `--var ${name}=... is required`),
      ...filled.unknown.map((name) => `${name} is not a param of ${template.name}`),
    ];
    throw new CliError(`${template.name}: ${problems.join("; ")}`);
  }
  let file: string;
  try {
    file = parseRelativePath(
      options.path ?? template.metadata.outputPath ?? `${template.name}.ts`,
      "--path",
    );
  } catch (error) {
    throw new CliError(error instanceof ServerError ? error.message : String(error));
  }
  return writeFirst(dir, file, filled.code);
}

/** At a terminal: the built-ins, and the one picked (null: the plain hello endpoint). */
export async function askTemplate(): Promise<string | null> {
  const templates = [...(await getBuiltinTemplates()).values()];
  const lines = templates.map((t, i) => `  ${i + 1}. ${t.name}: ${t.metadata.description}`);
  process.stderr.write(
    `Start from a template?\n  0. hello (a first endpoint)\n${lines.join("\n")}\n`,
  );
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = (await rl.question("Number or name [0]: ")).trim();
  rl.close();
  if (answer === "" || answer === "0" || answer === "hello") return null;
  const picked = /^\d+$/.test(answer) ? templates[Number(answer) - 1]?.name : answer;
  if (picked === undefined) throw new CliError(`no template ${answer}`);
  return picked;
}

/** What init did and what to run next. */
export function describeInit(dir: string, result: Initialised): string {
  const file = [...result.created, ...result.kept][0]!;
  const inInstance = file.slice("1/".length);
  const route = fileToRoute(inInstance);
  const serves = isMiddlewareFile(inInstance)
    ? "runs around every script in its folder"
    : `serves ${route?.pattern ?? inInstance}`;
  const done = result.created.length > 0 ? "created" : "kept the existing";
  const next = inInstance === "hello.ts" ? "hello?name=you" : (route?.pattern ?? "").slice(1);
  return `${done} ${dir}/${file} (${serves})\n\nNext:\n  hoody-exec serve --root ${dir}\n` +
    `  curl 'localhost:8080/${next}'\n`;
}
