/**
 * Proxy hooks (docs/proxy-hooks.md): the proxied services, and the hooks in front of each: list,
 * get, create, update, move, delete, clear. Every change names the version it read
 * (`If-Match: file:v<N>`, or `ifMatch` for the CLI) and answers 412 when the hooks moved on; the
 * shapes are the platform client's (`hook`, `hooks`, `file_version`, `etag`).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ServerError, validationError } from "../../runtime/errors.ts";
import {
  appliesTo,
  DEFAULT_HOOK_TIMEOUT_MS,
  type Hook,
  type HookFile,
  hookMatch,
  hookScript,
  hookTimeout,
} from "../../runtime/proxy/hook-record.ts";
import { UNHOOKABLE } from "../../runtime/proxy/upstreams.ts";
import { createUlid } from "../../runtime/proxy/ulid.ts";
import { getInstance, type ManagementContext } from "../context.ts";
import { defineEndpoint, type Endpoint, type HandlerScope } from "../endpoint.ts";
import { checkSubdomain } from "../subdomain.ts";

const service = z.string().min(1).max(63).describe("The upstream's name (--upstream name=URL)");
const hookId = z.string().regex(/^[0-9a-z]{26}$/, {
  error: "hookId is a hook's id: 26 lower-case letters and digits (a ULID)",
}).describe("The hook's id");
const ifMatch = z.string().max(64).optional().describe(
  "The version read (file:v<N>), when the If-Match header cannot be sent (the CLI)",
);
const confirm = z.literal(true, { error: "confirm=true parameter required for safety" })
  .describe("Must be true");
const position = z.number().int().min(0).describe("0-indexed place among the service's hooks");
const hookFields = {
  service,
  match: hookMatch,
  script: hookScript,
  timeout: hookTimeout.optional(),
  applies_to: appliesTo.optional(),
  ifMatch,
};

/** The version the caller read: the If-Match header, else the `ifMatch` input. */
const ifMatchOf = (scope: HandlerScope, input: { ifMatch?: string | undefined }) =>
  scope.c.req.header("if-match") ?? input.ifMatch;

/** The file's version, as the body says it and as the ETag header. */
function versioned<T extends object>(scope: HandlerScope, body: T) {
  const etag = scope.context.proxy.hooks.etag();
  scope.c.header("ETag", etag);
  return { ...body, file_version: scope.context.proxy.hooks.read().file_version, etag };
}

/** A service hooks may be added to: a configured upstream (never one of the reserved names). */
function checkService(context: ManagementContext, name: string): void {
  const names = context.proxy.upstreams.map((u) => u.name);
  if ((UNHOOKABLE as readonly string[]).includes(name)) {
    throw validationError(
      "service",
      `${name} cannot be hooked (${UNHOOKABLE.join(", ")} never are)`,
    );
  }
  if (!names.includes(name)) {
    throw validationError(
      "service",
      names.length === 0
        ? `No upstream is configured: start the server with --upstream ${name}=http://host:port`
        : `service must name a configured upstream (${names.join(", ")}), not "${name}"`,
    );
  }
}

/** The script exists in its instance now (it may change later: a missing one answers 502). */
function checkScript(context: ManagementContext, script: Hook["script"]): void {
  checkSubdomain(script.subdomain);
  const instance = getInstance(context, script.execId);
  if (!existsSync(join(instance.dir, script.path))) {
    throw validationError(
      "script.path",
      `No script at ${script.path} in instance ${instance.id}: write it first (scripts write)`,
    );
  }
}

function findHook(file: HookFile, name: string, id: string): { list: Hook[]; index: number } {
  const list = file.hooks[name] ?? [];
  const index = list.findIndex((h) => h.id === id);
  if (index === -1) throw new ServerError("NOT_FOUND", `No hook ${id} in front of ${name}`);
  return { list, index };
}

/** The record a create or an update makes from its input: id and position are the caller's. */
function hookOf(
  id: string,
  position: number,
  input: Pick<Hook, "match" | "script" | "applies_to"> & { timeout?: number | undefined },
): Hook {
  return {
    id,
    position,
    match: input.match,
    script: input.script,
    timeout: input.timeout ?? DEFAULT_HOOK_TIMEOUT_MS,
    ...(input.applies_to ? { applies_to: input.applies_to } : {}),
  };
}

function checkPosition(at: number, length: number): void {
  if (at > length) {
    throw validationError("position", `position must be from 0 to ${length} (got ${at})`);
  }
}

export const PROXY_HOOK_ENDPOINTS: readonly Endpoint[] = [
  defineEndpoint({
    method: "GET",
    path: "/proxy/upstreams",
    cli: { group: "proxy", verb: "upstreams" },
    summary: "The proxied services (--upstream), each reached at {name}.proxy.<host>",
    input: z.object({}),
    handler: (_input, { context }) => ({
      upstreams: context.proxy.upstreams.map(({ name, origin, host, port }) => ({
        name,
        origin,
        host,
        port,
      })),
    }),
  }),
  defineEndpoint({
    method: "GET",
    path: "/proxy/hooks",
    cli: { group: "proxy", verb: "list", positional: "service" },
    summary: "Every service's hooks (or one service's), in position order, with the version",
    input: z.object({ service: service.optional() }),
    handler(input, scope) {
      const { hooks } = scope.context.proxy.hooks.read();
      if (input.service === undefined) return versioned(scope, { hooks });
      return versioned(scope, { service: input.service, hooks: hooks[input.service] ?? [] });
    },
  }),
  defineEndpoint({
    method: "GET",
    path: "/proxy/hooks/get",
    cli: { group: "proxy", verb: "get", positional: "hookId" },
    summary: "One hook",
    input: z.object({ service, hookId }),
    handler(input, scope) {
      const { list, index } = findHook(
        scope.context.proxy.hooks.read(),
        input.service,
        input.hookId,
      );
      return versioned(scope, { hook: list[index]! });
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/proxy/hooks/create",
    cli: { group: "proxy", verb: "create", aliases: ["proxy add"] },
    summary: "Adds a hook in front of a service (at `position`, else last); needs If-Match",
    input: z.object({ ...hookFields, position: position.optional() }),
    async handler(input, scope) {
      const { context } = scope;
      checkService(context, input.service);
      checkScript(context, input.script);
      const hook = hookOf(createUlid(), 0, input);
      const created = await context.proxy.hooks.change(ifMatchOf(scope, input), (file) => {
        const list = file.hooks[input.service] ??= [];
        const at = input.position ?? list.length;
        checkPosition(at, list.length);
        list.splice(at, 0, hook);
        return hook;
      });
      scope.c.status(201);
      return versioned(scope, { hook: created });
    },
  }),
  defineEndpoint({
    method: "PUT",
    path: "/proxy/hooks/update",
    cli: { group: "proxy", verb: "update", positional: "hookId" },
    summary: "Replaces a hook's match, script, timeout; keeps its id and position; needs If-Match",
    input: z.object({ ...hookFields, hookId }),
    async handler(input, scope) {
      const { context } = scope;
      checkScript(context, input.script);
      const updated = await context.proxy.hooks.change(ifMatchOf(scope, input), (file) => {
        const { list, index } = findHook(file, input.service, input.hookId);
        const hook = hookOf(input.hookId, index, input);
        list[index] = hook;
        return hook;
      });
      return versioned(scope, { hook: updated });
    },
  }),
  defineEndpoint({
    method: "POST",
    path: "/proxy/hooks/move",
    cli: { group: "proxy", verb: "move", positional: "hookId" },
    summary: "Moves a hook to another position among its service's hooks; needs If-Match",
    input: z.object({ service, hookId, position, ifMatch }),
    async handler(input, scope) {
      const moved = await scope.context.proxy.hooks.change(ifMatchOf(scope, input), (file) => {
        const { list, index } = findHook(file, input.service, input.hookId);
        checkPosition(input.position, list.length - 1);
        const [hook] = list.splice(index, 1);
        list.splice(input.position, 0, hook!);
        return hook!;
      });
      return versioned(scope, { hook: moved });
    },
  }),
  defineEndpoint({
    method: "DELETE",
    path: "/proxy/hooks/delete",
    cli: { group: "proxy", verb: "delete", positional: "hookId" },
    destructive: true,
    summary: "Removes one hook (confirm=true); needs If-Match",
    input: z.object({ service, hookId, ifMatch, confirm }),
    async handler(input, scope) {
      await scope.context.proxy.hooks.change(ifMatchOf(scope, input), (file) => {
        const { list, index } = findHook(file, input.service, input.hookId);
        list.splice(index, 1);
      });
      return versioned(scope, {});
    },
  }),
  defineEndpoint({
    method: "DELETE",
    path: "/proxy/hooks/clear",
    cli: { group: "proxy", verb: "clear", positional: "service" },
    destructive: true,
    summary: "Removes every hook of a service (confirm=true); needs If-Match",
    input: z.object({ service, ifMatch, confirm }),
    async handler(input, scope) {
      const removed = await scope.context.proxy.hooks.change(ifMatchOf(scope, input), (file) => {
        const count = file.hooks[input.service]?.length ?? 0;
        delete file.hooks[input.service];
        return count;
      });
      return versioned(scope, { removed });
    },
  }),
];
