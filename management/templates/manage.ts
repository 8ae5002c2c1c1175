/**
 * Creating, updating and deleting custom templates: names checked, built-ins immutable, one
 * change at a time per name (management/locks.ts).
 */
import { join } from "node:path";
import { ServerError, validationError } from "../../runtime/errors.ts";
import { withLock } from "../locks.ts";
import { getBuiltinTemplates } from "./builtin.ts";
import {
  customFolder,
  type CustomMetadataInput,
  customPath,
  readCustomTemplate,
  removeCustomTemplate,
  resolveParams,
  writeCustomTemplate,
} from "./custom.ts";
import {
  metadataFileSchema,
  TEMPLATE_NAME,
  type TemplateMetadata,
  toWireMetadata,
} from "./metadata.ts";

function requireName(name: string): void {
  if (!TEMPLATE_NAME.test(name)) {
    throw validationError(
      "name",
      "Template name must be 1-64 letters, digits, '.', '-' or '_', without '..'",
    );
  }
}

async function requireNotBuiltin(name: string, action: string): Promise<void> {
  if ((await getBuiltinTemplates()).has(name)) {
    throw new ServerError(
      "FORBIDDEN",
      `"${name}" is a built-in template: built-ins cannot be ${action}`,
      { details: { name } },
    );
  }
}

function toMetadata(
  name: string,
  code: string,
  input: CustomMetadataInput,
  base?: TemplateMetadata,
): TemplateMetadata {
  return metadataFileSchema.parse({
    description: "",
    category: "custom",
    ...base,
    ...input,
    name,
    params: resolveParams(code, input.params ?? base?.params),
  });
}

const lockOf = (root: string, name: string) => [join(customFolder(root), `${name}.js`)];

export async function createCustomTemplate(
  root: string,
  input: { name: string; code: string; metadata?: CustomMetadataInput },
) {
  requireName(input.name);
  if ((await getBuiltinTemplates()).has(input.name)) {
    throw new ServerError(
      "CONFLICT",
      `"${input.name}" is a built-in template: pick another name for a custom one`,
      { details: { name: input.name } },
    );
  }
  return await withLock(lockOf(root, input.name), async () => {
    if (await readCustomTemplate(root, input.name)) {
      throw new ServerError(
        "CONFLICT",
        `Custom template "${input.name}" exists: update it with templates/update-custom`,
        { details: { name: input.name } },
      );
    }
    const metadata = toMetadata(input.name, input.code, input.metadata ?? {});
    await writeCustomTemplate(root, { name: input.name, code: input.code, metadata });
    const wire = toWireMetadata({ name: input.name, builtin: false, metadata, code: input.code });
    return { created: true, name: input.name, path: customPath(input.name), metadata: wire };
  });
}

export async function updateCustomTemplate(
  root: string,
  name: string,
  input: { code?: string; metadata?: CustomMetadataInput },
) {
  requireName(name);
  if (input.code === undefined && input.metadata === undefined) {
    throw validationError("code", "update requires code or description");
  }
  await requireNotBuiltin(name, "changed");
  return await withLock(lockOf(root, name), async () => {
    const current = await readCustomTemplate(root, name);
    if (!current) {
      throw new ServerError("NOT_FOUND", `No custom template "${name}"`, { details: { name } });
    }
    const code = input.code ?? current.code;
    const metadata = toMetadata(name, code, input.metadata ?? {}, current.metadata);
    await writeCustomTemplate(root, { name, code, metadata });
    const wire = toWireMetadata({ name, builtin: false, metadata, code });
    return { updated: true as const, name, metadata: wire };
  });
}

export async function deleteCustomTemplate(root: string, name: string) {
  requireName(name);
  await requireNotBuiltin(name, "deleted");
  return await withLock(lockOf(root, name), async () => {
    if (!(await readCustomTemplate(root, name))) {
      throw new ServerError("NOT_FOUND", `No custom template "${name}"`, { details: { name } });
    }
    await removeCustomTemplate(root, name);
    return { deleted: true, name };
  });
}
