/** A script's AI settings: its `@ai-*` directives over the server's gateway (docs/ai.md). */
import type { Directives } from "../directives/spec.ts";
import type { AiSettings } from "../protocol/messages.ts";

/** The server's side: `--ai-base-url`, `--ai-key`, `--ai-model` (or HOODY_EXEC_AI_*). */
export interface AiGateway {
  aiBaseUrl: string | null;
  aiKey: string | null;
  aiModel: string | null;
}

type AiDirectives = Pick<Directives, "ai" | "aiModel" | "aiKey" | "aiTemperature" | "aiMaxTokens">;

/** Null unless the script says `// @ai true`: a script without it loads nothing of the AI SDK. */
export function aiSettings(gateway: AiGateway, directives: AiDirectives): AiSettings | null {
  if (!directives.ai) return null;
  return {
    baseUrl: gateway.aiBaseUrl,
    key: directives.aiKey ?? gateway.aiKey,
    model: directives.aiModel ?? gateway.aiModel,
    temperature: directives.aiTemperature,
    maxTokens: directives.aiMaxTokens,
  };
}
