/** Magic comments about how and when the script runs (category "execution"). */
import { type DirectiveSpec, MAX_CONCURRENT, MAX_TIMEOUT_MS } from "../spec.ts";
import {
  boolean,
  BOOLEAN_ACCEPTS,
  choice,
  CRON_NICKNAMES,
  parsed,
  secret,
  toConcurrent,
  toSchedule,
  toTimeout,
} from "../values.ts";

export const EXECUTION_DIRECTIVES: {
  [
    K in
      | "mode"
      | "enabled"
      | "timeout"
      | "awaitPromises"
      | "concurrent"
      | "token"
      | "websocket"
      | "schedule"
  ]: DirectiveSpec<K>;
} = {
  mode: {
    key: "mode",
    directive: "@mode",
    category: "execution",
    type: "enum",
    enum_values: ["worker", "serverless"],
    description:
      "Execution mode: serverless runs each request in a fresh Worker; worker keeps one long-lived Worker.",
    defaults: { when_omitted: "serverless", runtime: "one ephemeral Worker per request" },
    examples: ["// @mode worker"],
    accepts: '"worker" or "serverless"',
    schema: choice(["worker", "serverless"]),
    fallback: "serverless",
  },
  enabled: {
    key: "enabled",
    directive: "@enabled",
    category: "execution",
    type: "boolean",
    description: "A disabled script answers 503 SCRIPT_DISABLED.",
    defaults: { when_omitted: true, runtime: "the script runs" },
    examples: ["// @enabled false"],
    notes: "A bare `// @enabled` means true.",
    accepts: BOOLEAN_ACCEPTS,
    schema: boolean,
    fallback: true,
  },
  timeout: {
    key: "timeout",
    directive: "@timeout",
    category: "execution",
    type: "integer",
    accepts_keywords: ["unlimited"],
    range: { min: 0, max: MAX_TIMEOUT_MS },
    description: "Request deadline in milliseconds; 0 or unlimited means no deadline of its own.",
    defaults: { when_omitted: 3_600_000, runtime: "504 SCRIPT_TIMEOUT after 1 h" },
    examples: ["// @timeout 30000", "// @timeout unlimited"],
    notes: "Values above 86400000 (24 h) are capped with a warning.",
    accepts: 'a non-negative integer of milliseconds, 0 or "unlimited"',
    schema: parsed(toTimeout),
    fallback: 3_600_000,
    clamp: true,
  },
  awaitPromises: {
    key: "awaitPromises",
    directive: "@await-promises",
    category: "execution",
    type: "boolean",
    description: "Await a promise returned by the script before building the response.",
    defaults: { when_omitted: true, runtime: "the returned promise is awaited" },
    examples: ["// @await-promises false"],
    accepts: BOOLEAN_ACCEPTS,
    schema: boolean,
    fallback: true,
  },
  concurrent: {
    key: "concurrent",
    directive: "@concurrent",
    category: "execution",
    type: "integer",
    accepts_keywords: ["true", "false"],
    range: { min: 1, max: MAX_CONCURRENT },
    description:
      "Concurrency cap per script, in both modes: N running at most, true for no cap, false for one at a time.",
    defaults: { when_omitted: true, runtime: "no cap; extra requests queue only when capped" },
    examples: ["// @concurrent 5", "// @concurrent false"],
    notes:
      "Requests over the cap wait in a bounded queue (--queue-limit); a full queue answers 429 QUEUE_FULL, a wait past @timeout 503 QUEUE_TIMEOUT.",
    accepts:
      `a positive integer up to ${MAX_CONCURRENT}, "true" for no cap or "false" for one at a time`,
    schema: parsed(toConcurrent),
    fallback: true,
  },
  token: {
    key: "token",
    directive: "@token",
    category: "execution",
    type: "string",
    description:
      "Shared secret required as Bearer, Basic password, X-Token header or ?token=; otherwise 401.",
    defaults: { when_omitted: null, runtime: "no authentication" },
    examples: ["// @token change-me"],
    notes: "Checked before any Worker starts. Redacted by magic-comments/read.",
    accepts: "a non-empty secret without control characters",
    schema: secret,
    fallback: null,
    secret: true,
  },
  websocket: {
    key: "websocket",
    directive: "@websocket",
    category: "execution",
    type: "boolean",
    description: "Accept WebSocket upgrades on this route.",
    defaults: { when_omitted: false, runtime: "upgrade requests are not accepted" },
    examples: ["// @websocket true"],
    notes: "Needs @mode worker; ignored with a warning in serverless mode.",
    accepts: BOOLEAN_ACCEPTS,
    schema: boolean,
    fallback: false,
  },
  schedule: {
    key: "schedule",
    directive: "@schedule",
    category: "execution",
    type: "string",
    description:
      "A cron schedule (UTC): the server fires the script's route at each time, as a request would (docs/schedules.md).",
    defaults: { when_omitted: null, runtime: "not scheduled" },
    examples: ["// @schedule '0 * * * *'", "// @schedule @daily"],
    notes:
      "One per file, on a route without [params]; armed when the file appears or changes. No overlapping fires; @enabled false records `disabled`; missed fires are not replayed.",
    accepts: `a 5-field cron expression (minute hour day month weekday) or one of ${
      CRON_NICKNAMES.join(", ")
    }`,
    schema: parsed(toSchedule),
    fallback: null,
  },
};
