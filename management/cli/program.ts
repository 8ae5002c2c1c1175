/**
 * `hoody-exec <group> <verb>`: one command per management endpoint, built from the same
 * endpoint list as the API and its OpenAPI document, so the three never disagree.
 */
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { Command, CommanderError, Option } from "commander";
import { type Endpoint, fieldTypes } from "../endpoint.ts";
import { ENDPOINTS } from "../endpoints/index.ts";
import { callEndpoint, CliError } from "./client.ts";
import { askTemplate, describeInit, initFromTemplate, initScripts } from "./init.ts";
import { streamEndpoint } from "./stream.ts";
import { dashboardUrl, openInBrowser } from "./open.ts";
import { formatBody, OUTPUT_FORMATS, type OutputFormat } from "./output.ts";

const DEFAULT_URL = "http://127.0.0.1:8080";

interface GlobalOptions {
  url: string;
  token?: string;
  output: OutputFormat;
  quiet?: boolean;
  yes?: boolean;
}

interface InitOptions {
  template?: string;
  var?: string[];
  path?: string;
}

const kebab = (name: string) =>
  name.replace(/_/g, "-").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** A flag's text as the schema's type wants it: numbers, JSON for values of any type. */
function convert(type: string, raw: unknown): unknown {
  if (typeof raw !== "string") return raw;
  if (type === "integer" || type === "number") {
    const n = Number(raw);
    if (Number.isNaN(n)) throw new CliError(`expected a number, got "${raw}"`, 2);
    return n;
  }
  if (type === "any" || type === "object") {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

async function confirm(question: string, options: GlobalOptions): Promise<void> {
  if (options.yes) return;
  if (!process.stdin.isTTY) {
    throw new CliError(`${question}: pass -y to confirm when not at a terminal`, 2);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`${question} [y/N] `);
  rl.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliError("cancelled", 1);
}

function print(body: unknown, options: GlobalOptions): void {
  if (!options.quiet) process.stdout.write(formatBody(body, options.output));
}

/** `name` under `parent`: the endpoint's call, its input fields as flags. */
function addEndpoint(parent: Command, name: string, endpoint: Endpoint, description: string): void {
  const { verb, positional, fileFlag, follow } = endpoint.cli;
  const command = parent.command(name).description(description);
  if (positional) command.argument(`[${positional}]`, `same as --${kebab(positional)}`);
  const types = fieldTypes(endpoint);
  const fields: [field: string, key: string][] = [];
  for (const [field, type] of Object.entries(types)) {
    if (field === "confirm") continue;
    const flag = kebab(field);
    const description = (endpoint.input.shape[field] as { description?: string }).description ?? "";
    if (type === "boolean") {
      command.addOption(new Option(`--${flag}`, description));
      command.addOption(new Option(`--no-${flag}`).hideHelp());
    } else if (type === "array") {
      command.addOption(new Option(`--${flag} <values...>`, description));
    } else {
      command.addOption(new Option(`--${flag} <${type === "any" ? "json" : type}>`, description));
    }
    fields.push([field, camel(flag)]);
  }
  if (fileFlag) {
    command.option(
      `--${kebab(fileFlag)}-file <file>`,
      `read the ${fileFlag} from a local file (- for stdin)`,
    );
  }
  command.action(async (...args: unknown[]) => {
    const cmd = args.at(-1) as Command;
    const options = cmd.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
    const input: Record<string, unknown> = {};
    for (const [field, key] of fields) {
      if (options[key] !== undefined) input[field] = convert(types[field]!, options[key]);
    }
    if (positional && typeof args[0] === "string") input[positional] = args[0];
    const file = fileFlag && options[`${camel(kebab(fileFlag))}File`];
    if (fileFlag && typeof file === "string") {
      input[fileFlag] = readFileSync(file === "-" ? 0 : file, "utf8");
    }
    if ("confirm" in types) input.confirm = true;
    if (endpoint.destructive) {
      await confirm(
        `${endpoint.cli.group} ${verb} ${input.path ?? input.hostname ?? input.id ?? ""}`.trim(),
        options,
      );
    }
    if (endpoint.cli.stream) return await streamEndpoint(options, endpoint, input);
    const body = await callEndpoint(options, endpoint, input);
    if (follow) print(await followJob(options, follow, body as { jobId?: string }), options);
    else print(body, options);
  });
}

/** A 202 job (`packages install`): polls `path` until it ends, a progress line on stderr meanwhile. */
async function followJob(options: GlobalOptions, path: string, started: { jobId?: string }) {
  const status = { method: "GET", path } as Endpoint;
  const frames = ["|", "/", "-", "\\"];
  const tty = process.stderr.isTTY && !options.quiet;
  for (let tick = 0;; tick++) {
    const job = await callEndpoint(options, status, { jobId: started.jobId }) as {
      status: string;
      packages: string[];
      error: string | null;
    };
    if (job.status === "done" || job.status === "failed") {
      if (tty) process.stderr.write("\r\x1b[K");
      if (job.status === "failed") throw new CliError(`install failed: ${job.error}`);
      return job;
    }
    if (tty) {
      const what = job.packages.length ? job.packages.join(", ") : "declared dependencies";
      process.stderr.write(`\r\x1b[K${frames[tick % 4]} ${job.status} ${what}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Builds the whole command tree. `serve` and `dev` are listed here but run by main.ts. */
export function createProgram(): Command {
  const env = process.env;
  const program = new Command("hoody-exec")
    .description(
      "Every file under a scripts folder is an HTTP endpoint; this CLI drives a running server.",
    )
    .option("--url <url>", "server address (env HOODY_EXEC_URL)", env.HOODY_EXEC_URL ?? DEFAULT_URL)
    .option(
      "--token <token>",
      "admin token (env HOODY_EXEC_ADMIN_TOKEN)",
      env.HOODY_EXEC_ADMIN_TOKEN,
    )
    .addOption(
      new Option("-o, --output <format>", "output format").choices(OUTPUT_FORMATS).default("yaml"),
    )
    .option("-q, --quiet", "print nothing on success")
    .option("-y, --yes", "do not ask before destructive calls")
    .showHelpAfterError()
    .exitOverride();
  program.command("serve").description(
    "Serve a scripts folder (hoody-exec serve --help for options)",
  );
  program.command("dev").description(
    "serve, with a line per request in the log (same options as serve)",
  );
  program
    .command("init")
    .description("Create a scripts folder with a first endpoint (hello, or a built-in template)")
    .argument("[dir]", "folder to create", "scripts")
    .option("--template <name>", "start from this built-in template (templates list shows them)")
    .option("--var <name=value...>", "a value for one of the template's params")
    .option("--path <file>", "where the template's script goes, below the instance")
    .action(async (dir: string, init: InitOptions, cmd: Command) => {
      const options = cmd.optsWithGlobals() as GlobalOptions;
      const template = init.template ??
        (process.stdin.isTTY && !options.yes && !options.quiet ? await askTemplate() : null);
      const result = template === null
        ? initScripts(dir)
        : await initFromTemplate(dir, { template, vars: init.var, path: init.path });
      if (!options.quiet) process.stdout.write(describeInit(dir, result));
    });
  program
    .command("open")
    .description("Print the dashboard's address on the server (and open it on a desktop)")
    .option("--no-browser", "only print the address")
    .action(async (open: { browser: boolean }, cmd: Command) => {
      const options = cmd.optsWithGlobals() as GlobalOptions;
      const url = await dashboardUrl(options);
      process.stdout.write(`${url}\n`);
      if (open.browser && process.stdout.isTTY) openInBrowser(url);
    });
  const groups = new Map<string, Command>([["", program]]);
  /** The command group at a path of names ("packages json"), made on first use. */
  const groupAt = (path: string[]): Command => {
    const key = path.join(" ");
    let group = groups.get(key);
    if (!group) {
      group = groupAt(path.slice(0, -1)).command(path.at(-1)!).description(`${key} commands`);
      groups.set(key, group);
    }
    return group;
  };
  for (const endpoint of ENDPOINTS) {
    addEndpoint(groupAt([endpoint.cli.group]), endpoint.cli.verb, endpoint, endpoint.summary);
  }
  // The original CLI's names for the same calls, beside ours (after them: a group keeps its place).
  for (const endpoint of ENDPOINTS) {
    const { group, verb } = endpoint.cli;
    for (const alias of endpoint.cli.aliases ?? []) {
      const path = alias.split(" ");
      const summary = `${endpoint.summary} (same as ${group} ${verb})`;
      addEndpoint(groupAt(path.slice(0, -1)), path.at(-1)!, endpoint, summary);
    }
  }
  // `openapi` also holds the user-OpenAPI endpoints (generate, merge, serve, serve-schema).
  groupAt(["openapi"])
    .command("get").description("Print the management API's OpenAPI document (-o json|yaml)")
    .action(
      async (_o: unknown, cmd: Command) => {
        const options = cmd.optsWithGlobals() as GlobalOptions;
        const doc = await callEndpoint(options, {
          method: "GET",
          path: "/openapi.json",
        } as Endpoint, {});
        print(doc, options);
      },
    );
  return program;
}

/** Runs the CLI; returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === "commander.helpDisplayed" || error.code === "commander.version"
        ? 0
        : error.exitCode || 2;
    }
    if (error instanceof CliError) {
      process.stderr.write(`error: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
