/**
 * The response bodies the original client (HoodyNetwork/hoody-sdk v1.0.0-beta.12,
 * `generated/types.ts`) declares for each exec call, restated as zod schemas. The client puts a
 * top-level body under `data`, so these are the shapes of our bodies. Objects are not strict:
 * extra fields are allowed, missing or mistyped declared ones are not.
 */
import { z } from "zod";

const record = z.record(z.string(), z.unknown());
const strings = z.array(z.string());
const preview = z.literal("Preview only - set dry_run=false to apply changes");
const updatedMessage = z.literal("Magic comments updated successfully");
const warning = z.object({ directive: z.string(), value: z.string(), message: z.string() });

export const CLIENT_SHAPES = {
  "GET /health": record,
  "GET /list": z.object({
    execIds: z.array(z.object({ id: z.string(), type: z.literal("custom"), files: z.number() })),
    total: z.number(),
    summary: z.object({ sdk: z.number(), custom: z.number() }),
  }),
  "GET /scripts/read": z.object({
    path: z.string(),
    resolvedPath: z.string(),
    content: z.string(),
    magicComments: record.nullable(),
    metadata: z.object({
      size: z.number(),
      created: z.string(),
      modified: z.string(),
      isDirectory: z.boolean(),
      extension: z.string(),
    }),
  }),
  "POST /scripts/write": z.object({
    path: z.string(),
    resolvedPath: z.string(),
    created: z.boolean(),
    updated: z.boolean(),
    size: z.number(),
    modified: z.string(),
    validated: z.boolean(),
  }),
  "DELETE /scripts/delete": z.object({
    deleted: z.boolean(),
    path: z.string(),
    resolvedPath: z.string(),
    size: z.number(),
  }),
  "GET /scripts/list": z.object({
    directory: z.string(),
    count: z.number(),
    recursive: z.boolean(),
    filters: z.object({
      label: z.string().optional(),
      tags: z.string().optional(),
      mode: z.string().optional(),
      enabled: z.string().optional(),
      websocket: z.string().optional(),
    }),
    scripts: z.array(z.object({ name: z.string(), path: z.string(), isDirectory: z.boolean() })),
  }),
  "POST /scripts/tree": z.object({ baseDir: z.string(), tree: z.array(record) }),
  "POST /scripts/move": z.object({
    moved: z.boolean(),
    from: z.string(),
    to: z.string(),
    resolvedFrom: z.string(),
    resolvedTo: z.string(),
    size: z.number(),
  }),
  "POST /shared-state/get": z.union([
    z.object({
      hostname: z.string(),
      path: z.string().optional(),
      exists: z.literal(false),
      state: record.nullable(),
    }),
    z.object({
      hostname: z.string(),
      path: z.string().nullable().optional(),
      exists: z.literal(true),
      state: z.unknown(),
      size: z.number(),
    }),
  ]),
  "POST /shared-state/set": z.object({
    hostname: z.string(),
    path: z.string().nullable(),
    updated: z.boolean(),
    merged: z.boolean(),
    size: z.number(),
  }),
  "POST /shared-state/clear": z.object({
    cleared: z.boolean(),
    count: z.number(),
    remaining: z.number(),
  }),
  "POST /cache/clear": z.object({
    cleared: z.boolean(),
    vmCache: z.object({ cleared: z.number(), remaining: z.number() }),
    sharedState: z.object({ cleared: z.number(), remaining: z.number() }),
  }),
  "POST /route/resolve": z.object({
    matched: z.boolean(),
    path: z.string(),
    hostname: z.string(),
    execId: z.string().nullable(),
    triedDirectories: z.array(z.unknown()),
  }),
  "POST /route/discover": z.object({
    baseDir: z.string(),
    count: z.number(),
    routes: z.array(z.unknown()),
  }),
  "POST /route/test": z.object({
    tested: z.number(),
    matched: z.number(),
    notMatched: z.number(),
    results: z.array(z.unknown()),
  }),
  "GET /monitor/active-requests": z.object({
    count: z.number(),
    active: z.array(z.object({
      executionId: z.string(),
      scriptPath: z.string(),
      hostname: z.string().optional(),
      clientIp: z.string().optional(),
      method: z.string(),
      url: z.string(),
      startedAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), "an ISO date"),
      duration: z.number(),
    })),
  }),
  "GET /system/restart-status": z.object({
    canRestart: z.boolean(),
    uptime: z.number(),
    uptimeFormatted: z.string(),
    activeRequests: z.number(),
    active: z.array(z.unknown()),
    restartReady: z.boolean(),
  }),
  "GET /magic-comments/schema": z.object({
    schema_version: z.string(),
    total_fields: z.number(),
    parse_window_lines: z.number(),
    unknown_keys_behavior: z.string(),
    defaults_context: z.object({
      when_omitted: z.string(),
      runtime: z.string(),
      sdk_import: z.string(),
    }),
    source_of_truth: z.object({
      interface: z.string(),
      parser: z.string(),
      runtime_defaults: z.string(),
      sdk_import_defaults: z.string(),
    }),
    categories: z.object({
      execution: strings,
      logging: strings,
      cors: strings,
      ai: strings,
      metadata: strings,
    }),
    fields: z.array(z.object({
      key: z.string(),
      directive: z.string(),
      category: z.string(),
      type: z.string(),
      enum_values: strings.optional(),
      accepts_keywords: strings.optional(),
      range: z.object({ min: z.number().optional(), max: z.number().optional() }).optional(),
      description: z.string(),
      defaults: z.object({
        when_omitted: z.unknown(),
        runtime: z.unknown(),
        sdk_import: z.unknown(),
      }).refine((d) => "when_omitted" in d && "runtime" in d && "sdk_import" in d),
      examples: strings.optional(),
      notes: strings.optional(),
    })),
  }),
  "GET /magic-comments/read": z.object({ path: z.string(), comments: record }),
  "PUT /magic-comments/update": z.union([
    z.object({
      dry_run: z.boolean(),
      path: z.string(),
      current: record.nullable(),
      proposed: record.nullable(),
      changes: strings,
      message: preview,
    }),
    z.object({
      dry_run: z.boolean(),
      path: z.string(),
      previous: record.nullable(),
      updated: record.nullable(),
      message: updatedMessage,
    }),
  ]),
  "POST /magic-comments/bulk-update": z.intersection(
    z.object({
      dry_run: z.boolean(),
      directory: z.string(),
      execId: z.string(),
      recursive: z.boolean(),
      comments: record.nullable(),
    }),
    z.union([
      z.object({
        would_affect: z.object({
          total: z.number(),
          files: z.array(z.union([
            z.object({
              file: z.string(),
              current: record.nullable(),
              proposed: record.nullable(),
              changes: strings,
            }),
            z.object({ file: z.string(), error: z.string() }),
          ])),
        }),
        message: preview,
      }),
      z.object({
        results: z.object({
          total: z.number(),
          updated: z.number(),
          failed: z.number(),
          files: z.object({
            updated: strings,
            failed: z.array(z.object({ file: z.string(), error: z.string() })),
          }),
        }),
        message: updatedMessage,
      }),
    ]),
  ),
  "POST /package/init": z.object({
    message: z.literal("package.json created successfully"),
    path: z.string(),
    content: z.object({ name: z.string(), version: z.string(), description: z.string() }),
    created: z.boolean(),
  }),
  "GET /package/read": z.object({
    path: z.string(),
    content: record,
    dependencies: record,
    devDependencies: record,
    scripts: record,
    dependencyCount: z.number(),
    devDependencyCount: z.number(),
  }),
  "POST /package/update": z.object({
    message: z.literal("package.json updated successfully"),
    changes: strings,
    changeCount: z.number(),
    dependencies: record,
  }),
  "POST /package/compare": z.object({
    summary: z.object({
      total: z.number(),
      installed: z.number(),
      missing: z.number(),
      outdated: z.number(),
      extra: z.number(),
    }),
    missing: strings,
    outdated: z.array(
      z.object({ package: z.string(), declared: z.string(), installed: z.string() }),
    ),
    extra: strings,
    allInstalled: z.boolean(),
    upToDate: z.boolean(),
  }),
  "POST /package/pin": z.union([
    z.object({
      message: z.literal("All dependencies are already pinned to exact versions"),
      pinned: z.array(z.unknown()),
      count: z.number(),
    }),
    z.object({
      message: z.literal("Dependencies pinned to exact versions"),
      pinned: strings,
      count: z.number(),
      dependencies: record,
    }),
  ]),
  "GET /dependencies/bundled": z.object({
    total: z.number(),
    packages: z.array(z.unknown()),
    allAvailable: z.boolean(),
  }),
  "POST /dependencies/check": z.object({
    total: z.number(),
    installed: z.array(z.unknown()),
    missing: z.array(z.unknown()),
  }),
  "POST /validate/typescript": z.object({
    valid: z.boolean(),
    javascript: z.string(),
    originalLength: z.number(),
    transpiledLength: z.number(),
    normalized: z.boolean(),
    transformations: strings,
    message: z.literal("TypeScript validation successful"),
  }),
  "POST /validate/syntax": z.object({
    valid: z.boolean(),
    message: z.literal("JavaScript syntax is valid"),
    codeLength: z.number(),
    normalized: z.boolean(),
    transformations: strings,
  }),
  "POST /validate/dependencies": z.object({
    totalModules: z.number(),
    allInstalled: z.boolean(),
    missingCount: z.number(),
    missingModules: z.array(z.unknown()),
    dependencies: z.array(z.unknown()),
    message: z.string(),
    installCommand: z.string().nullable(),
  }),
  "POST /validate/return-type": z.object({
    valid: z.boolean(),
    errors: z.array(record),
    typeDefinition: z.string(),
    parsedType: record,
    message: z.string(),
  }),
  "POST /validate/magic-comments": z.object({
    magicComments: record.nullable(),
    warnings: z.array(warning),
    returnType: z.object({ definition: z.string(), mode: z.string(), location: z.string() })
      .nullable(),
    message: z.string(),
  }),
  "POST /validate/script": z.object({
    valid: z.boolean(),
    results: z.object({
      syntax: z.union([
        z.object({ valid: z.literal(true), message: z.string() }),
        z.object({ valid: z.literal(false), error: z.string() }),
      ]),
      typescript: z.union([
        z.object({ valid: z.literal(true), transpiledLength: z.number() }),
        z.object({ valid: z.literal(false), error: z.string() }),
        z.null(),
      ]),
      dependencies: z.object({
        total: z.number(),
        installed: z.number(),
        missing: z.number(),
        missingModules: strings,
        allInstalled: z.boolean(),
      }),
      magicComments: record.nullable(),
      magicCommentWarnings: z.array(warning),
      normalized: z.boolean(),
      transformations: strings,
    }),
    message: z.string(),
  }),
  "GET /templates/list": z.object({ count: z.number(), templates: z.array(z.unknown()) }),
  "GET /templates/preview": z.object({
    template: z.object({
      name: z.string(),
      metadata: record,
      code: z.string(),
      originalCode: z.string(),
      substituted: z.boolean(),
    }),
  }),
  "POST /templates/generate": z.object({
    generated: z.boolean(),
    template: z.string(),
    code: z.string(),
    saved: z.boolean(),
    path: z.string().nullable(),
    variables: record,
  }),
  "POST /templates/create-custom": z.object({
    created: z.boolean(),
    name: z.string(),
    path: z.string(),
    metadata: z.object({
      name: z.string(),
      category: z.string(),
      tags: strings,
      description: z.string(),
      params: strings,
      version: z.string(),
      author: z.string(),
    }),
  }),
  "PUT /templates/update-custom/:name": z.object({
    updated: z.literal(true),
    name: z.string(),
    metadata: record,
  }),
  "DELETE /templates/delete-custom/:name": z.object({ deleted: z.boolean(), name: z.string() }),
} as const;

export type ClientCall = keyof typeof CLIENT_SHAPES;
