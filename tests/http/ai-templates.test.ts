/**
 * The LLM templates end to end: each is filled (its `{{param}}`s from the test's values, else its
 * defaults) and served by a real server, with the local fake (tests/lib/fake-openai.ts) as the
 * upstream. A client that changed only its base URL gets a streamed answer through the script,
 * which logs, rewrites or refuses the prompt.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, streamText } from "ai";
import { type FakeOpenAi, startFakeOpenAi } from "../lib/fake-openai.ts";
import { eventually, type TestServer, withServer } from "../lib/server.ts";
import { typeChecker } from "../../runtime/typecheck/typecheck.ts";
import { allLogText } from "../lib/log-files.ts";

const BUILTIN = join(import.meta.dirname!, "..", "..", "management", "templates", "builtin");
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const CLIENT_KEY = "sk-client-key-4242";

/**
 * A built-in template filled as the template loader does: a value given, else the param's default.
 * A placeholder no param declares fails the test (the loader refuses those too).
 */
function fromTemplate(name: string, values: Record<string, string>): string {
  const metadata = JSON.parse(readFileSync(join(BUILTIN, `${name}.json`), "utf8")) as {
    name: string;
    params: { name: string; default?: string }[];
  };
  assert.equal(metadata.name, name);
  const params = new Map(metadata.params.map((p) => [p.name, p]));
  for (const given of Object.keys(values)) assert.ok(params.has(given), `${name} has no ${given}`);
  const code = readFileSync(join(BUILTIN, `${name}.tmpl`), "utf8");
  return code.replace(PLACEHOLDER, (_, param: string) => {
    assert.ok(params.has(param), `${name}.tmpl uses {{${param}}}, not in its params`);
    return values[param] ?? params.get(param)!.default ?? "";
  });
}

let fake: FakeOpenAi;
let server: TestServer;
before(async () => {
  fake = await startFakeOpenAi({ slowMs: 5_000 });
  const proxy = (mode: string) => ({
    mode,
    upstream: fake.baseUrl,
    blockPattern: "forbidden|secret plans",
    systemPrompt: "Be brief.",
  });
  server = await withServer({
    "1/openai/worker/v1/chat/completions.ts": fromTemplate("llm-proxy-openai", proxy("worker")),
    "1/openai/serverless/v1/chat/completions.ts": fromTemplate(
      "llm-proxy-openai",
      proxy("serverless"),
    ),
    "1/anthropic/worker/v1/messages.ts": fromTemplate("llm-proxy-anthropic", proxy("worker")),
    "1/anthropic/serverless/v1/messages.ts": fromTemplate(
      "llm-proxy-anthropic",
      proxy("serverless"),
    ),
    "1/handler/worker/v1/chat/completions.ts": fromTemplate("llm-handler-openai", {
      mode: "worker",
      blockPattern: "forbidden",
    }),
    "1/handler/worker/v1/chat/completions.system.md": "You answer for the handler.",
    "1/handler/serverless/v1/chat/completions.ts": fromTemplate("llm-handler-openai", {
      mode: "serverless",
      model: "pinned/model",
    }),
  }, { aiBaseUrl: fake.baseUrl, aiKey: "sk-server-key", aiModel: "server/model" });
});
after(async () => {
  await server?.[Symbol.asyncDispose]();
  await fake?.close();
});

/** An OpenAI client (the AI SDK's own) whose only change is its base URL: this server. */
const clientOf = (path: string) =>
  createOpenAICompatible({ name: "client", baseURL: `${server.url}${path}`, apiKey: CLIENT_KEY });

const executionLogs = () => allLogText(server.dir.root);

/** The text of an SSE body's `data:` lines, parsed as JSON (but `[DONE]`). */
function sseData(text: string): unknown[] {
  return [...text.matchAll(/^data: (.*)$/gm)].map((m) =>
    m[1] === "[DONE]" ? "[DONE]" : JSON.parse(m[1]!)
  );
}

for (const mode of ["worker", "serverless"] as const) {
  describe(`llm-proxy-openai (${mode})`, () => {
    const base = `/openai/${mode}/v1`;

    test("an OpenAI client gets the upstream's answer streamed through the script, rewritten and logged", async () => {
      const result = streamText({
        model: clientOf(base)("gpt-test"),
        prompt: `[gate] hello from ${mode}`,
      });
      const reader = result.textStream.getReader();
      const first = await reader.read();
      assert.equal(first.value, "echo: ");
      fake.release();
      let text = first.value!;
      for (let step = await reader.read(); !step.done; step = await reader.read()) {
        text += step.value;
      }
      assert.equal(text, `echo: [gate] hello from ${mode}`);
      const sent = fake.last("/chat/completions");
      assert.equal(sent.headers.authorization, `Bearer ${CLIENT_KEY}`);
      assert.equal(sent.body.model, "gpt-test");
      assert.equal(sent.body.stream, true);
      assert.deepEqual(sent.body.messages, [
        { role: "system", content: "Be brief." },
        { role: "user", content: `[gate] hello from ${mode}` },
      ]);
      assert.ok(
        await eventually(() =>
          Promise.resolve(
            executionLogs().includes(
              `llm-proxy: model=gpt-test stream=true prompt=[gate] hello from ${mode}`,
            ),
          ), 10_000),
      );
    });

    test("a JSON answer passes through too", async () => {
      const result = await generateText({ model: clientOf(base)("gpt-test"), prompt: "plain" });
      assert.equal(result.text, "echo: plain");
      assert.equal(result.usage.inputTokens, 7);
    });

    test("a prompt matching the policy is refused with 403 and never reaches the upstream", async () => {
      const before = fake.requests.length;
      const response = await fetch(`${server.url}${base}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${CLIENT_KEY}` },
        body: JSON.stringify({
          model: "gpt-test",
          messages: [{ role: "user", content: "the Secret Plans" }],
        }),
      });
      assert.equal(response.status, 403);
      assert.equal((await response.json()).error.code, "prompt_refused");
      assert.equal(fake.requests.length, before);
    });
  });

  describe(`llm-proxy-anthropic (${mode})`, () => {
    const url = () => `${server.url}/anthropic/${mode}/v1/messages`;
    const post = (body: unknown) =>
      fetch(url(), {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-api-key": CLIENT_KEY,
          "anthropic-version": "2023-06-01",
        },
        body: JSON.stringify(body),
      });

    test("a Messages client gets the streamed events through the script, with the system prompt put first", async () => {
      const response = await post({
        model: "claude-test",
        max_tokens: 50,
        stream: true,
        system: "Answer in English.",
        messages: [{ role: "user", content: [{ type: "text", text: `hi ${mode}` }] }],
      });
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
      const events = sseData(await response.text()) as {
        type: string;
        delta?: { text?: string };
      }[];
      const text = events.filter((e) => e.type === "content_block_delta").map((e) => e.delta!.text)
        .join("");
      assert.equal(text, `echo: hi ${mode}`);
      assert.equal(events.at(-1)!.type, "message_stop");
      const sent = fake.last("/messages");
      assert.equal(sent.headers["x-api-key"], CLIENT_KEY);
      assert.equal(sent.headers["anthropic-version"], "2023-06-01");
      assert.equal(sent.body.system, "Be brief.\n\nAnswer in English.");
      assert.equal(sent.body.max_tokens, 50);
    });

    test("a prompt matching the policy is refused with Anthropic's error shape", async () => {
      const before = fake.requests.length;
      const response = await post({
        model: "claude-test",
        max_tokens: 5,
        messages: [{ role: "user", content: "forbidden" }],
      });
      assert.equal(response.status, 403);
      assert.deepEqual(await response.json(), {
        type: "error",
        error: { type: "permission_error", message: "the proxy's policy refused this prompt" },
      });
      assert.equal(fake.requests.length, before);
    });
  });
}

test("each template, filled with its defaults, type-checks against the script globals", async () => {
  try {
    for (const name of ["llm-proxy-openai", "llm-proxy-anthropic", "llm-handler-openai"]) {
      const filename = join(server.dir.root, "1", "typecheck", `${name}.ts`);
      assert.deepEqual(await typeChecker.check(fromTemplate(name, {}), filename), [], name);
    }
  } finally {
    typeChecker.close();
  }
});

describe("llm-handler-openai", () => {
  test("worker: an OpenAI client gets SSE chunks from the AI helpers, with the script's system prompt", async () => {
    const result = streamText({
      model: clientOf("/handler/worker/v1")("client/model"),
      prompt: "[gate] stream me",
    });
    const reader = result.textStream.getReader();
    const first = await reader.read();
    assert.equal(first.value, "echo: ");
    fake.release();
    let text = first.value!;
    for (let step = await reader.read(); !step.done; step = await reader.read()) text += step.value;
    assert.equal(text, "echo: [gate] stream me");
    assert.equal(await result.finishReason, "stop");
    const sent = fake.last("/chat/completions");
    // The server's key goes to its gateway; the client's key stays with the client.
    assert.equal(sent.headers.authorization, "Bearer sk-server-key");
    assert.equal(sent.body.model, "client/model");
    assert.deepEqual(sent.body.messages, [
      { role: "system", content: "You answer for the handler." },
      { role: "user", content: "[gate] stream me" },
    ]);
  });

  test("worker: the raw SSE ends with [DONE]; a refused prompt answers 403", async () => {
    const response = await fetch(`${server.url}/handler/worker/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ stream: true, messages: [{ role: "user", content: "x" }] }),
    });
    const data = sseData(await response.text());
    assert.equal(data.at(-1), "[DONE]");
    assert.equal((data[0] as { object: string }).object, "chat.completion.chunk");
    const refused = await fetch(`${server.url}/handler/worker/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "something forbidden" }] }),
    });
    assert.equal(refused.status, 403);
  });

  test("serverless: a JSON chat.completion with the pinned model and the client's settings", async () => {
    const result = await generateText({
      model: clientOf("/handler/serverless/v1")("client/model"),
      prompt: "json please",
      temperature: 0.7,
      maxOutputTokens: 33,
    });
    assert.equal(result.text, "echo: json please");
    assert.equal(result.finishReason, "stop");
    assert.equal(result.usage.outputTokens, 3);
    const sent = fake.last("/chat/completions");
    assert.equal(sent.body.model, "pinned/model");
    assert.equal(sent.body.temperature, 0.7);
    assert.equal(sent.body.max_tokens, 33);
  });
});
