/**
 * Custom templates: `<root>/_hoody/templates/<name>.js` (the code) beside `<name>.json` (its
 * metadata). A `.js` dropped there by hand is a template too, its params read from its
 * placeholders. Names follow TEMPLATE_NAME, so a name is always one file in this folder.
 */
import { mkdir, readdir, readFile, realpath, rm } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { ServerError } from "../../runtime/errors.ts";
import { writeFileAtomic } from "../../runtime/fs.ts";
import { findPlaceholders } from "./fill.ts";
import {
  metadataFileSchema,
  type Template,
  TEMPLATE_NAME,
  type TemplateMetadata,
  type TemplateParam,
} from "./metadata.ts";

/** Custom template code is at most 512 KB (SPEC §27). */
export const MAX_TEMPLATE_BYTES = 512 * 1024;

export const customFolder = (root: string) => join(root, "_hoody", "templates");

/** Where a custom template's code is, as the API shows it (relative to the scripts root). */
export const customPath = (name: string) => `_hoody/templates/${name}.js`;

/** What a caller may say about a custom template; anything else in `metadata` is dropped. */
export interface CustomMetadataInput {
  description?: string;
  category?: string;
  tags?: string[];
  version?: string;
  author?: string;
  outputPath?: string;
  /** Names (the original client's shape) or `{ name, description, required, default }`. */
  params?: (string | Partial<TemplateParam> & { name: string })[];
}

/**
 * The declared params, plus every placeholder of the code no param names (required: a value the
 * caller must give). A param given as a bare name is required.
 */
export function resolveParams(
  code: string,
  declared: CustomMetadataInput["params"] = [],
): TemplateParam[] {
  const params: TemplateParam[] = declared.map((p) =>
    typeof p === "string"
      ? { name: p, description: "", required: true }
      : { description: "", required: p.default === undefined, ...p }
  );
  const names = new Set(params.map((p) => p.name));
  for (const name of findPlaceholders(code)) {
    if (!names.has(name)) params.push({ name, description: "", required: true });
  }
  return params;
}

/**
 * The folder, made if missing, and refused (403) if it resolves outside the scripts root (a
 * symlink placed there must not let template writes land elsewhere).
 */
async function openFolder(root: string): Promise<string> {
  const folder = customFolder(root);
  await mkdir(folder, { recursive: true });
  const [realRoot, realFolder] = await Promise.all([realpath(root), realpath(folder)]);
  const inside = relative(realRoot, realFolder);
  if (inside === "" || inside.startsWith("..") || inside.startsWith(sep)) {
    throw new ServerError("FORBIDDEN", "_hoody/templates resolves outside the scripts root");
  }
  return folder;
}

function parseStoredMetadata(name: string, code: string, text: string | null): TemplateMetadata {
  let stored: Record<string, unknown> = {};
  try {
    if (text !== null) stored = JSON.parse(text);
  } catch {
    // A hand-broken metadata file: the template still works, with metadata read from its code.
  }
  const parsed = metadataFileSchema.safeParse({
    description: "",
    category: "custom",
    ...stored,
    name,
    params: resolveParams(code, Array.isArray(stored.params) ? stored.params : []),
  });
  return parsed.success ? parsed.data : metadataFileSchema.parse({
    name,
    description: "",
    category: "custom",
    params: resolveParams(code),
  });
}

const readOrNull = (path: string) => readFile(path, "utf8").catch(() => null);

/** One custom template, or null. */
export async function readCustomTemplate(root: string, name: string): Promise<Template | null> {
  if (!TEMPLATE_NAME.test(name)) return null;
  const folder = customFolder(root);
  const code = await readOrNull(join(folder, `${name}.js`));
  if (code === null) return null;
  const metadata = parseStoredMetadata(name, code, await readOrNull(join(folder, `${name}.json`)));
  return { name, builtin: false, metadata, code };
}

/** Every custom template, by name. */
export async function scanCustomTemplates(root: string): Promise<Template[]> {
  const files = await readdir(customFolder(root)).catch(() => [] as string[]);
  const names = files.filter((f) => f.endsWith(".js")).map((f) => f.slice(0, -3)).sort();
  const templates = await Promise.all(names.map((name) => readCustomTemplate(root, name)));
  return templates.filter((t): t is Template => t !== null);
}

/** Writes a custom template's metadata, then its code (the code's file is what makes it exist). */
export async function writeCustomTemplate(
  root: string,
  template: { name: string; code: string; metadata: TemplateMetadata },
): Promise<void> {
  if (Buffer.byteLength(template.code) > MAX_TEMPLATE_BYTES) {
    throw new ServerError(
      "PAYLOAD_TOO_LARGE",
      `Template code must be at most ${MAX_TEMPLATE_BYTES} bytes (512 KB)`,
    );
  }
  const folder = await openFolder(root);
  await writeFileAtomic(
    join(folder, `${template.name}.json`),
    `${JSON.stringify(template.metadata, null, 2)}\n`,
  );
  await writeFileAtomic(join(folder, `${template.name}.js`), template.code);
}

export async function removeCustomTemplate(root: string, name: string): Promise<void> {
  const folder = await openFolder(root);
  await rm(join(folder, `${name}.js`), { force: true });
  await rm(join(folder, `${name}.json`), { force: true });
}
