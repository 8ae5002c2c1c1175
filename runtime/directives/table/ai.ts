/** Magic comments about the AI helpers (category "ai"). */
import { z } from "zod";
import { type DirectiveSpec, MAX_AI_TOKENS } from "../spec.ts";
import { boolean, BOOLEAN_ACCEPTS, DECIMAL, integer, secret } from "../values.ts";

export const AI_DIRECTIVES: {
  [K in "ai" | "aiModel" | "aiTemperature" | "aiMaxTokens" | "aiKey"]: DirectiveSpec<K>;
} = {
  ai: {
    key: "ai",
    directive: "@ai",
    category: "ai",
    type: "boolean",
    description: "AI helpers for the script; reserved: parsed and validated, no effect yet.",
    defaults: { when_omitted: false, runtime: "no AI helpers" },
    examples: ["// @ai true"],
    accepts: BOOLEAN_ACCEPTS,
    schema: boolean,
    fallback: false,
  },
  aiModel: {
    key: "aiModel",
    directive: "@ai-model",
    category: "ai",
    type: "string",
    description:
      "Model id for the AI helpers, usually provider/model; reserved: parsed and validated, no effect yet.",
    defaults: { when_omitted: null, runtime: "no model" },
    examples: ["// @ai-model openai/gpt-4o"],
    accepts: "a model id without spaces such as provider/model (at most 256 characters)",
    schema: z.string().max(256).regex(/^\S+$/),
    fallback: null,
  },
  aiTemperature: {
    key: "aiTemperature",
    directive: "@ai-temperature",
    category: "ai",
    type: "number",
    range: { min: 0, max: 2 },
    description:
      "Sampling temperature for the AI helpers; reserved: parsed and validated, no effect yet.",
    defaults: { when_omitted: null, runtime: "not set" },
    examples: ["// @ai-temperature 0.2"],
    accepts: "a number from 0 to 2",
    schema: z.string().regex(DECIMAL).transform(Number).pipe(z.number().min(0).max(2)),
    fallback: null,
  },
  aiMaxTokens: {
    key: "aiMaxTokens",
    directive: "@ai-max-tokens",
    category: "ai",
    type: "integer",
    range: { min: 1, max: MAX_AI_TOKENS },
    description:
      "Upper bound on tokens the AI helpers generate; reserved: parsed and validated, no effect yet.",
    defaults: { when_omitted: null, runtime: "not set" },
    examples: ["// @ai-max-tokens 1024"],
    accepts: `a positive integer up to ${MAX_AI_TOKENS}`,
    schema: integer(1, MAX_AI_TOKENS),
    fallback: null,
  },
  aiKey: {
    key: "aiKey",
    directive: "@ai-key",
    category: "ai",
    type: "string",
    description:
      "Gateway key or usage tag for the AI helpers; reserved: parsed and validated, no effect yet.",
    defaults: { when_omitted: null, runtime: "no key" },
    examples: ["// @ai-key sk-..."],
    notes: "Redacted by magic-comments/read.",
    accepts: "a non-empty key without control characters",
    schema: secret,
    fallback: null,
    secret: true,
  },
};
