/**
 * The AI helpers a `// @ai true` script gets (docs/ai.md): `ai`, `model`, `openai`, and the AI
 * SDK's `generateText`, `streamText`, `generateObject` with the script's settings as defaults.
 * Declared here without the SDK's own types, which would make every type-check load them; options
 * the SDK takes beyond these pass through unchanged.
 */

/** A language model (the AI SDK's LanguageModel): pass it as `model`. */
export interface HoodyAiModel {
  readonly modelId: string;
  readonly provider: string;
}

export interface HoodyAiUsage {
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  totalTokens: number | undefined;
}

export interface HoodyAiMessage {
  role: "system" | "user" | "assistant" | "tool";
  // deno-lint-ignore no-explicit-any
  content: any;
}

/** The options every helper takes; the defaults come from the script's `@ai-*` directives. */
export interface HoodyAiCallOptions {
  prompt?: string;
  messages?: HoodyAiMessage[];
  /** Default: `<script>.system.md`, else the folder's `_system.md` (none when messages hold one). */
  system?: string;
  /** Default: `model` (`@ai-model`, else the server's HOODY_EXEC_AI_MODEL). */
  model?: HoodyAiModel;
  /** Default: `@ai-temperature`. */
  temperature?: number;
  /** Default: `@ai-max-tokens` (the SDK's own name, `maxOutputTokens`, works too). */
  maxTokens?: number;
  maxOutputTokens?: number;
  abortSignal?: AbortSignal;
  headers?: Record<string, string>;
  maxRetries?: number;
  // deno-lint-ignore no-explicit-any
  [option: string]: any;
}

/** A prompt, or the options with `prompt` or `messages`. */
export type HoodyAiInput = string | HoodyAiCallOptions;

export interface HoodyAiGenerateResult {
  text: string;
  usage: HoodyAiUsage;
  finishReason: string;
  /** The model the gateway says answered. */
  model: string;
  id: string;
}

/** The AI SDK's streamText result; return it (or its `textStream`) to stream the text. */
export interface HoodyAiStream {
  readonly textStream: ReadableStream<string> & AsyncIterable<string>;
  readonly text: Promise<string>;
  readonly usage: Promise<HoodyAiUsage>;
  readonly finishReason: Promise<string>;
  toTextStreamResponse(init?: ResponseInit): Response;
}

/** A schema the SDK validates with: a zod schema (or any Standard Schema). */
export interface HoodyAiSchema<T> {
  readonly "~standard": { readonly types?: { readonly output: T } | undefined };
}

export interface HoodyAiObjectOptions<T> extends HoodyAiCallOptions {
  schema: HoodyAiSchema<T>;
  schemaName?: string;
  schemaDescription?: string;
}

export interface HoodyAi {
  /** `ai.generate("hi")` or `ai.generate({ messages })` -> the whole answer. */
  generate(input: HoodyAiInput): Promise<HoodyAiGenerateResult>;
  /** The answer as it comes: `return ai.stream("hi")` streams its text to the client. */
  stream(input: HoodyAiInput): HoodyAiStream;
  /** An object the model fills in, validated against `schema`. */
  object<T>(input: HoodyAiObjectOptions<T>): Promise<T>;
}

export interface HoodyAiProviderOptions {
  /** Default: the server's gateway (which alone gets the server's key). */
  baseURL?: string;
  apiKey?: string;
  headers?: Record<string, string>;
  name?: string;
}

export type HoodyAiProvider = (modelId: string) => HoodyAiModel;

/** `openai("provider/model")`: a model on the gateway; `openai({ baseURL, apiKey })`: a provider. */
export interface HoodyOpenAi {
  (modelId: string): HoodyAiModel;
  (options: HoodyAiProviderOptions): HoodyAiProvider;
}

export interface HoodyGenerateTextResult {
  text: string;
  usage: HoodyAiUsage;
  finishReason: string;
  response: { id: string; modelId: string };
}

export type HoodyGenerateText = (options: HoodyAiCallOptions) => Promise<HoodyGenerateTextResult>;
export type HoodyStreamText = (options: HoodyAiCallOptions) => HoodyAiStream;
export type HoodyGenerateObject = <T>(
  options: HoodyAiObjectOptions<T>,
) => Promise<{ object: T; usage: HoodyAiUsage; finishReason: string }>;
