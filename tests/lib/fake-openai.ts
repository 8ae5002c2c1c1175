/**
 * A local fake of an OpenAI-compatible gateway (and of Anthropic's Messages API), so the AI
 * helpers and the LLM templates are tested without the internet. It records every request it
 * gets. What it answers depends on the last user message:
 *
 * - `[error]`: 400 with an OpenAI-style error body that echoes the Authorization header it got
 *   (so a test can prove the key does not leak on through the script);
 * - `[slow]`: answers only after `slowMs` (or when the fake closes): for `@timeout` tests;
 * - `[gate]` with `stream: true`: sends the first word, then the rest only once the test calls
 *   `release()` (or after `slowMs`): proof that a stream reaches the client as it comes;
 * - with `response_format` json_schema: `object` as the answer's JSON content;
 * - otherwise `echo: <last user message>`, as one JSON answer or, with `stream: true`, as SSE
 *   chunks of a word each.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  // deno-lint-ignore no-explicit-any
  body: any;
}

export interface FakeOpenAi extends AsyncDisposable {
  /** `http://127.0.0.1:<port>/v1`: the base URL a client or the server is given. */
  readonly baseUrl: string;
  readonly requests: FakeRequest[];
  /** The JSON a json_schema request gets; a test may replace it. */
  object: unknown;
  /** Lets a `[gate]` stream go on. */
  release(): void;
  /** The last request to a path ending with `suffix`. */
  last(suffix?: string): FakeRequest;
  close(): Promise<void>;
}

export const FAKE_MODEL_ANSWER = "fake-model-1";

/** Starts the fake on a random loopback port. */
export async function startFakeOpenAi(options: { slowMs?: number } = {}): Promise<FakeOpenAi> {
  const slowMs = options.slowMs ?? 10_000;
  const requests: FakeRequest[] = [];
  const waiting = new Set<() => void>();
  const gates = new Set<() => void>();
  /** Resolves after `slowMs`, or when `set` is emptied (release, close). */
  const pause = (set: Set<() => void>) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, slowMs);
      set.add(done);
    });
  const fake = {
    object: { name: "Ada", age: 36 } as unknown,
  };

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) headers[name] = String(value);
    let body: FakeRequest["body"] = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    const path = req.url ?? "/";
    requests.push({ method: req.method ?? "GET", path, headers, body });

    const prompt = lastUserText(body);
    if (prompt.includes("[slow]")) await pause(waiting);
    if (prompt.includes("[error]")) {
      return sendJson(res, 400, {
        error: {
          message: `upstream refused the request (authorization: ${headers.authorization ?? ""})`,
          type: "invalid_request_error",
          code: "bad_request",
        },
      });
    }
    const gate = prompt.includes("[gate]") ? () => pause(gates) : null;
    if (path.endsWith("/messages")) return await answerAnthropic(res, body, prompt, gate);
    if (!path.endsWith("/chat/completions")) {
      return sendJson(res, 404, { error: { message: `no route ${path}`, type: "not_found" } });
    }
    const wantsObject = body?.response_format?.type === "json_schema";
    const answer = wantsObject ? JSON.stringify(fake.object) : `echo: ${prompt}`;
    if (body?.stream) return await streamChat(res, answer, gate);
    sendJson(res, 200, {
      id: "chatcmpl-fake",
      object: "chat.completion",
      created: 1_700_000_000,
      model: FAKE_MODEL_ANSWER,
      choices: [{
        index: 0,
        message: { role: "assistant", content: answer },
        finish_reason: "stop",
      }],
      usage: {
        prompt_tokens: 7,
        completion_tokens: words(answer).length,
        total_tokens: 7 + words(answer).length,
      },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const close = async () => {
    for (const done of [...waiting, ...gates]) done();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return Object.assign(fake, {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    release() {
      for (const done of [...gates]) done();
    },
    last(suffix = "") {
      const found = requests.findLast((r) => r.path.endsWith(suffix));
      if (!found) throw new Error(`the fake upstream got no request to …${suffix}`);
      return found;
    },
    close,
    [Symbol.asyncDispose]: close,
  });
}

function words(text: string): string[] {
  return text.match(/\S+\s*/g) ?? [];
}

/** The text of the last user message (OpenAI or Anthropic shape; content as a string or parts). */
function lastUserText(body: FakeRequest["body"]): string {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  const last = messages.findLast((m: { role?: string }) => m.role === "user");
  if (!last) return "";
  if (typeof last.content === "string") return last.content;
  if (Array.isArray(last.content)) {
    return last.content.map((part: { text?: string }) => part.text ?? "").join("");
  }
  return "";
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(value));
}

function sse(res: http.ServerResponse): (data: string, event?: string) => void {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  return (data, event) => res.write(`${event ? `event: ${event}\n` : ""}data: ${data}\n\n`);
}

type Gate = (() => Promise<void>) | null;

async function streamChat(res: http.ServerResponse, answer: string, gate: Gate): Promise<void> {
  const send = sse(res);
  const base = {
    id: "chatcmpl-fake",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: FAKE_MODEL_ANSWER,
  };
  send(
    JSON.stringify({
      ...base,
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }],
    }),
  );
  const parts = words(answer);
  for (const [i, part] of parts.entries()) {
    if (i === 1) await gate?.();
    send(
      JSON.stringify({
        ...base,
        choices: [{ index: 0, delta: { content: part }, finish_reason: null }],
      }),
    );
  }
  send(JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }));
  send(
    JSON.stringify({
      ...base,
      choices: [],
      usage: { prompt_tokens: 7, completion_tokens: parts.length, total_tokens: 7 + parts.length },
    }),
  );
  send("[DONE]");
  res.end();
}

/** Anthropic's Messages API: one JSON message, or its SSE events with `stream: true`. */
async function answerAnthropic(
  res: http.ServerResponse,
  body: FakeRequest["body"],
  prompt: string,
  gate: Gate,
): Promise<void> {
  const answer = `echo: ${prompt}`;
  const usage = { input_tokens: 7, output_tokens: words(answer).length };
  const message = {
    id: "msg_fake",
    type: "message",
    role: "assistant",
    model: body?.model ?? FAKE_MODEL_ANSWER,
  };
  if (!body?.stream) {
    return sendJson(res, 200, {
      ...message,
      content: [{ type: "text", text: answer }],
      stop_reason: "end_turn",
      usage,
    });
  }
  const send = sse(res);
  const event = (type: string, data: object) => send(JSON.stringify({ type, ...data }), type);
  event("message_start", {
    message: { ...message, content: [], usage: { input_tokens: 7, output_tokens: 0 } },
  });
  event("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
  for (const [i, part] of words(answer).entries()) {
    if (i === 1) await gate?.();
    event("content_block_delta", { index: 0, delta: { type: "text_delta", text: part } });
  }
  event("content_block_stop", { index: 0 });
  event("message_delta", {
    delta: { stop_reason: "end_turn" },
    usage: { output_tokens: usage.output_tokens },
  });
  event("message_stop", {});
  res.end();
}
