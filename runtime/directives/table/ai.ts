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
    description:
      "Gives the script the AI helpers (ai.generate/stream/object, model, openai, generateText, streamText, generateObject) on the server's OpenAI-compatible gateway (HOODY_EXEC_AI_BASE_URL); without it the AI SDK is not loaded.",
    defaults: { when_omitted: false, runtime: "no AI helpers: the globals are undefined" },
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
      "Model id the AI helpers use (the global `model`), usually provider/model, sent to the gateway as is.",
    defaults: { when_omitted: null, runtime: "the server's HOODY_EXEC_AI_MODEL" },
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
    description: "Sampling temperature of the AI helpers' calls, unless a call passes its own.",
    defaults: { when_omitted: null, runtime: "not sent: the model's default" },
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
      "Upper bound on tokens each AI helper call generates (max_tokens), unless a call passes its own.",
    defaults: { when_omitted: null, runtime: "not sent: the model's default" },
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
      "Key (or usage tag) the AI helpers send to the gateway as a Bearer token, in place of the server's HOODY_EXEC_AI_KEY; never in logs, errors or metadata.",
    defaults: { when_omitted: null, runtime: "the server's HOODY_EXEC_AI_KEY" },
    examples: ["// @ai-key sk-..."],
    notes: "Redacted by magic-comments/read.",
    accepts: "a non-empty key without control characters",
    schema: secret,
    fallback: null,
    secret: true,
  },
};
