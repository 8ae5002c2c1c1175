/**
 * The globals hoody-exec gives every script. Add one line at the top of a script (or list
 * "hoody-exec/types" in tsconfig's `types`) and editors autocomplete and check them:
 *
 *     /// <reference types="hoody-exec/types" />
 *
 * `validate/script` with `typecheck: true` checks scripts against this same file. The types are
 * in `script.d.ts`, which the sandbox implements; this file only names them as globals.
 */

type HoodyRequest = import("./script.d.ts").HoodyRequest;
type HoodyResponse = import("./script.d.ts").HoodyResponse;
type HoodyMetadata = import("./script.d.ts").HoodyMetadata;
type HoodyData = import("./script.d.ts").HoodyData;
type HoodyConnection = import("./script.d.ts").HoodyConnection;
type HoodyWebSocket = import("./script.d.ts").HoodyWebSocket;
type HoodySseEvent = import("./script.d.ts").HoodySseEvent;

declare const req: HoodyRequest;
declare const res: HoodyResponse;
declare const metadata: HoodyMetadata;
/** The instance's shared state (worker mode: survives requests; serverless: per request). */
// deno-lint-ignore no-explicit-any
declare const shared: Record<string, any>;
/**
 * The script's WebSocket side. Declared non-null for the scripts that use it: at run time it is
 * null unless the script has `// @mode worker` and `// @websocket true`.
 */
declare const ws: HoodyWebSocket;
/** A `text/event-stream` Response that streams each event as the iterable yields it. */
declare const sse: import("./script.d.ts").HoodySse;
/** For edge-style scripts: upgrade this request to a WebSocket, as Deno's `Deno.upgradeWebSocket`. */
declare const upgradeWebSocket: import("./script.d.ts").HoodyUpgradeWebSocket;
/** In `post.ts`: what the main script (or a short-circuiting `pre`) returned. */
declare const mainResult: unknown;
/**
 * The web-standard request of the request whose code is running (the same object as
 * `metadata.request`); undefined where none is (a module's top level, run once when it loads).
 */
declare const request: Request;
/**
 * In a proxy hook's script (docs/proxy-hooks.md), the same object as `metadata.hook`: the upstream,
 * and `forward()`. Declared non-null for the scripts that use it: undefined in any other run.
 */
declare const hook: import("./script.d.ts").HoodyHook;
/** Packages from the scripts root's `node_modules` (installed on first use), built-ins, relative files. */
// deno-lint-ignore no-explicit-any
declare function require(id: string): any;
// deno-lint-ignore no-explicit-any
declare const module: { exports: any };
// deno-lint-ignore no-explicit-any
declare const exports: any;
/** `// @ai true` (docs/ai.md): generate, stream or fill an object with the configured model. */
declare const ai: import("./ai.d.ts").HoodyAi;
/** `// @ai true`: the configured model (`@ai-model`, else HOODY_EXEC_AI_MODEL). */
declare const model: import("./ai.d.ts").HoodyAiModel;
/** `// @ai true`: a model on the gateway by id, or a provider for another endpoint. */
declare const openai: import("./ai.d.ts").HoodyOpenAi;
/** `// @ai true`: the AI SDK's generateText, with the script's settings as defaults. */
declare const generateText: import("./ai.d.ts").HoodyGenerateText;
/** `// @ai true`: the AI SDK's streamText, with the script's settings as defaults. */
declare const streamText: import("./ai.d.ts").HoodyStreamText;
/** `// @ai true`: the AI SDK's generateObject, with the script's settings as defaults. */
declare const generateObject: import("./ai.d.ts").HoodyGenerateObject;
