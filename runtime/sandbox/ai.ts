/**
 * The AI helpers of a `// @ai true` script (docs/ai.md): `ai.generate/stream/object`, `model`,
 * `openai` and the AI SDK's `generateText`, `streamText`, `generateObject`, with the script's
 * model, temperature, max tokens and system prompt as defaults. Imported only by a Worker whose
 * script has `@ai true`; the SDK packages are dynamic imports, so they stay out of the sandbox
 * bundle and out of every other Worker.
 */
import type { AiSettings } from "../protocol/messages.ts";
import type {
  HoodyAi,
  HoodyAiInput,
  HoodyAiProviderOptions,
  HoodyAiStream,
} from "../../types/ai.d.ts";

type Options = Record<string, unknown>;

/** Installs the AI globals for the script at `scriptSource` (its absolute path). */
export async function installAi(settings: AiSettings, scriptSource: string): Promise<void> {
  const [sdk, { createOpenAICompatible }, { readFileSync }, path] = await Promise.all([
    import("ai"),
    import("@ai-sdk/openai-compatible"),
    import("node:fs"),
    import("node:path"),
  ]);
  const gateway = settings.baseUrl;
  const providerFor = (options: HoodyAiProviderOptions & { baseURL: string }) =>
    createOpenAICompatible({
      name: options.name ?? "gateway",
      baseURL: options.baseURL,
      apiKey: options.apiKey,
      headers: options.headers,
      includeUsage: true,
      supportsStructuredOutputs: true,
    });
  const noGateway = () =>
    new Error(
      "AI helpers: no gateway configured: start the server with HOODY_EXEC_AI_BASE_URL (or --ai-base-url)",
    );
  const configured = gateway
    ? providerFor({ baseURL: gateway, apiKey: settings.key ?? undefined })
    : null;
  const defaultModel = configured && settings.model ? configured(settings.model) : undefined;

  /**
   * `openai("model/id")`: a model on the configured gateway; `openai({ baseURL, apiKey })`: a
   * provider for another OpenAI-compatible endpoint (the server's key goes only to its own gateway).
   */
  function openai(arg: string | HoodyAiProviderOptions) {
    if (typeof arg === "string") {
      if (!configured) throw noGateway();
      return configured(arg);
    }
    if (arg.baseURL === undefined || arg.baseURL === gateway) {
      if (!gateway) throw noGateway();
      return providerFor({
        ...arg,
        baseURL: gateway,
        apiKey: arg.apiKey ?? settings.key ?? undefined,
      });
    }
    return providerFor({ ...arg, baseURL: arg.baseURL });
  }

  const systemPrompt = createSystemPrompt(scriptSource, readFileSync, path);

  /** The script's settings under the caller's options: what the caller gives wins. */
  function withDefaults(options: Options): Options {
    const model = options.model ?? defaultModel;
    if (model === undefined) {
      if (!gateway) throw noGateway();
      throw new Error(
        "AI helpers: no model: add // @ai-model provider/model, start the server with HOODY_EXEC_AI_MODEL, or pass { model }",
      );
    }
    // The script wrote its messages: a system message there is its own, not an injection.
    const merged: Options = { allowSystemInMessages: true, ...options, model };
    if (options.temperature === undefined && settings.temperature !== null) {
      merged.temperature = settings.temperature;
    }
    if (options.maxOutputTokens === undefined) {
      const maxTokens = options.maxTokens ?? settings.maxTokens;
      if (typeof maxTokens === "number") merged.maxOutputTokens = maxTokens;
    }
    delete merged.maxTokens;
    if (options.system === undefined && !hasSystemMessage(options.messages)) {
      const system = systemPrompt();
      if (system !== null) merged.system = system;
    }
    return merged;
  }

  const generateText = (options: Options) => sdk.generateText(withDefaults(options) as never);
  /**
   * The SDK's streamText hands an error to `onError` (by default a console line) and ends the text
   * stream as if the answer were empty. Unless the caller passes its own `onError`, the error is
   * raised by `textStream` instead, so a returned stream fails like any script error (500 before
   * the first chunk) and a script reading it can catch it.
   */
  const streamText = (options: Options) => {
    if (options.onError !== undefined) return sdk.streamText(withDefaults(options) as never);
    let failure: { error: unknown } | null = null;
    const result = sdk.streamText({
      ...withDefaults(options),
      onError: ({ error }: { error: unknown }) => void (failure = { error }),
    } as never);
    // Each read of `textStream` is a new stream, as the SDK's own getter gives.
    const raising = () =>
      new TransformStream<string, string>({
        flush(controller) {
          if (failure) controller.error(failure.error);
        },
      });
    return Object.create(result, {
      textStream: { get: () => result.textStream.pipeThrough(raising()) },
    }) as typeof result;
  };
  const generateObject = (options: Options) => sdk.generateObject(withDefaults(options) as never);

  const ai: HoodyAi = {
    async generate(input) {
      const result = await generateText(toOptions(input));
      return {
        text: result.text,
        usage: result.usage,
        finishReason: result.finishReason,
        model: result.response.modelId,
        id: result.response.id,
      };
    },
    stream: (input) => streamText(toOptions(input)) as unknown as HoodyAiStream,
    async object(input) {
      const result = await generateObject({ ...input });
      return result.object as never;
    },
  };

  Object.assign(globalThis, {
    ai,
    model: defaultModel,
    openai,
    generateText,
    streamText,
    generateObject,
  });
}

/** `"prompt"` or `{ prompt | messages, … }` -> the SDK's options. */
function toOptions(input: HoodyAiInput): Options {
  return typeof input === "string" ? { prompt: input } : { ...input };
}

function hasSystemMessage(messages: unknown): boolean {
  return Array.isArray(messages) &&
    messages.some((m) => (m as { role?: unknown } | null)?.role === "system");
}

/**
 * The system prompt: `<script>.system.md` beside the script, else the folder's `_system.md`; read
 * on each call (a small file), so an edit applies at once. Empty or missing: none.
 */
function createSystemPrompt(
  scriptSource: string,
  readFileSync: typeof import("node:fs").readFileSync,
  path: typeof import("node:path"),
): () => string | null {
  const dir = path.dirname(scriptSource);
  const base = path.basename(scriptSource).replace(/\.[^.]+$/, "");
  const candidates = [path.join(dir, `${base}.system.md`), path.join(dir, "_system.md")];
  return () => {
    for (const file of candidates) {
      try {
        const text = readFileSync(file, "utf8").trim();
        if (text) return text;
      } catch (error) {
        if ((error as { code?: string }).code !== "ENOENT") throw error;
      }
    }
    return null;
  };
}
