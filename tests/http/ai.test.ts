/**
 * `// @ai true` end to end: a real server whose gateway is the local fake (tests/lib/fake-openai.ts),
 * in both modes. Each helper answers, the stream reaches the client, the script's settings and
 * system prompt reach the upstream, and the key never comes back out.
 */
import assert from "node:assert/strict";
import { symlinkSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type FakeOpenAi, startFakeOpenAi } from "../lib/fake-openai.ts";
import { request, type TestServer, withServer } from "../lib/server.ts";
import { allLogText } from "../lib/log-files.ts";

const MODES = ["worker", "serverless"] as const;
const SERVER_KEY = "sk-server-secret-1234";
const SCRIPT_KEY = "sk-script-secret-5678";
const ZOD = join(import.meta.dirname!, "..", "..", "node_modules", "zod");

function scripts(gateway: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const mode of MODES) {
    const at = (name: string, code: string) => (files[`1/${mode}/${name}`] = code);
    const ai = `// @mode ${mode}\n// @ai true\n`;
    at(
      "generate.ts",
      `${ai}// @ai-model test/model-a\n// @ai-temperature 0.3\n// @ai-max-tokens 64\nreturn await ai.generate(req.query.q ?? "hi");`,
    );
    at("generate.system.md", "You are the generate script.\n");
    at("_system.md", "You are in the folder.");
    at(
      "messages.ts",
      `${ai}return await ai.generate({ messages: [{ role: "system", content: "mine" }, { role: "user", content: "hello" }], temperature: 1.5, maxTokens: 9 });`,
    );
    at("stream.ts", `${ai}return ai.stream("[gate] hi there from the stream");`);
    at(
      "stream-error.ts",
      `${ai}// @ai-key ${SCRIPT_KEY}\nreturn ai.stream("[error] while streaming");`,
    );
    at("stream-sse.ts", `${ai}return sse(ai.stream("as events").textStream);`);
    at(
      "object.ts",
      `${ai}import { z } from "zod";\nreturn await ai.object({ schema: z.object({ name: z.string(), age: z.number() }), prompt: "who?" });`,
    );
    at(
      "sdk.ts",
      `${ai}import { z } from "zod";
const r = await generateText({ prompt: "sdk" });
const s = streamText({ prompt: "sdk stream" });
const o = await generateObject({ schema: z.object({ name: z.string(), age: z.number() }), prompt: "o" });
return { text: r.text, streamed: await s.text, object: o.object, model: model.modelId, viaOpenai: openai("other/model").modelId };`,
    );
    at(
      "error.ts",
      `${ai}// @ai-key ${SCRIPT_KEY}\nreturn await ai.generate("[error] please");`,
    );
    at(
      "slow.ts",
      `${ai}// @timeout 3000\nif (req.query.warm) return { warm: true };\nreturn await ai.generate("[slow] please");`,
    );
    at(
      "other.ts",
      `${ai}const other = openai({ baseURL: ${JSON.stringify(`${gateway}/other`)} });
return await ai.generate({ model: other("other/model"), prompt: "elsewhere" });`,
    );
    at("meta.ts", `${ai}// @ai-key ${SCRIPT_KEY}\nreturn { metadata: JSON.stringify(metadata) };`);
    at(
      "plain.ts",
      `// @mode ${mode}\nreturn [typeof ai, typeof model, typeof openai, typeof generateText, typeof streamText, typeof generateObject].join(",");`,
    );
  }
  return files;
}

let fake: FakeOpenAi;
let server: TestServer;
before(async () => {
  fake = await startFakeOpenAi({ slowMs: 5_000 });
  server = await withServer(scripts(fake.baseUrl), {
    aiBaseUrl: fake.baseUrl,
    aiKey: SERVER_KEY,
    aiModel: "server/default-model",
  });
  // The scripts root's packages: zod for ai.object, without a network install.
  symlinkSync(ZOD, join(server.dir.root, "node_modules", "zod"), "dir");
});
after(async () => {
  await server?.[Symbol.asyncDispose]();
  await fake?.close();
});

async function getJson(path: string) {
  const response = await request(server, path);
  const text = await response.text();
  assert.equal(response.status, 200, text);
  return JSON.parse(text);
}

const allLogs = () => allLogText(server.dir.root);

for (const mode of MODES) {
  describe(`@ai true in ${mode} mode`, () => {
    test("ai.generate answers {text, usage, …} with the script's model, temperature, max tokens and system prompt", async () => {
      const body = await getJson(`/${mode}/generate?q=hello+there`);
      assert.equal(body.text, "echo: hello there");
      assert.equal(body.finishReason, "stop");
      assert.equal(body.model, "fake-model-1");
      assert.equal(body.usage.inputTokens, 7);
      assert.equal(body.usage.outputTokens, 3);
      const sent = fake.last("/chat/completions");
      assert.equal(sent.headers.authorization, `Bearer ${SERVER_KEY}`);
      assert.equal(sent.body.model, "test/model-a");
      assert.equal(sent.body.temperature, 0.3);
      assert.equal(sent.body.max_tokens, 64);
      assert.deepEqual(sent.body.messages, [
        { role: "system", content: "You are the generate script." },
        { role: "user", content: "hello there" },
      ]);
    });

    test("the caller's options win; a system message of its own replaces the file's", async () => {
      await getJson(`/${mode}/messages`);
      const sent = fake.last("/chat/completions");
      assert.equal(sent.body.model, "server/default-model");
      assert.equal(sent.body.temperature, 1.5);
      assert.equal(sent.body.max_tokens, 9);
      assert.deepEqual(sent.body.messages, [
        { role: "system", content: "mine" },
        { role: "user", content: "hello" },
      ]);
    });

    test("return ai.stream(…) streams the text to the client", async () => {
      const response = await fetch(`${server.url}/${mode}/stream`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
      // The fake holds back all but its first word until released: the client must see it first.
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      while (!text.includes("echo:")) {
        const { done, value } = await reader.read();
        if (done) break;
        text += value;
      }
      assert.equal(text, "echo: ");
      fake.release();
      for (let step = await reader.read(); !step.done; step = await reader.read()) {
        text += step.value;
      }
      assert.equal(text, "echo: [gate] hi there from the stream");
      const sent = fake.last("/chat/completions");
      assert.equal(sent.body.stream, true);
      assert.equal(sent.body.messages[0].content, "You are in the folder.");
    });

    test("sse(ai.stream(…).textStream) streams it as events", async () => {
      const response = await request(server, `/${mode}/stream-sse`);
      assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
      const text = await response.text();
      const data = [...text.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join("");
      assert.equal(data, "echo: as events");
    });

    test("ai.object returns the object the model filled, validated against the zod schema", async () => {
      assert.deepEqual(await getJson(`/${mode}/object`), { name: "Ada", age: 36 });
      const sent = fake.last("/chat/completions");
      assert.equal(sent.body.response_format.type, "json_schema");
      assert.deepEqual(sent.body.response_format.json_schema.schema.required, ["name", "age"]);
    });

    test("generateText, streamText, model and openai work with the gateway's defaults", async () => {
      const body = await getJson(`/${mode}/sdk`);
      assert.deepEqual(body, {
        text: "echo: sdk",
        streamed: "echo: sdk stream",
        object: { name: "Ada", age: 36 },
        model: "server/default-model",
        viaOpenai: "other/model",
      });
    });

    test("an upstream error is the script's error, and the key is in neither the answer nor the logs", async () => {
      server.log.expectError(/upstream refused/);
      const response = await request(server, `/${mode}/error`);
      const text = await response.text();
      assert.equal(response.status, 500, text);
      const body = JSON.parse(text);
      assert.equal(body.code, "SCRIPT_ERROR");
      assert.match(
        body.error,
        /upstream refused the request \(authorization: Bearer \[redacted\]\)/,
      );
      assert.equal(fake.last("/chat/completions").headers.authorization, `Bearer ${SCRIPT_KEY}`);
      assert.ok(!text.includes(SCRIPT_KEY));
      const warnings = server.log.warnings.join("\n");
      assert.match(warnings, /upstream refused/);
      assert.ok(!warnings.includes(SCRIPT_KEY), "the key is in the server's log");
      assert.ok(!allLogs().includes(SCRIPT_KEY), "the key is in a log file");
    });

    test("a stream whose upstream fails is an error, never an empty answer, and the key stays out", async () => {
      server.log.expectError(/upstream refused/);
      // Failing before the Worker sent the head: a 500; after: the stream breaks off.
      const outcome = await request(server, `/${mode}/stream-error`).then(
        async (response) => ({ status: response.status, body: await response.text() }),
        () => null,
      );
      if (outcome) {
        assert.equal(outcome.status, 500, outcome.body);
        assert.match(
          outcome.body,
          /upstream refused the request \(authorization: Bearer \[redacted\]\)/,
        );
      }
      const warnings = server.log.warnings.join("\n");
      assert.match(
        warnings,
        /stream-error.*upstream refused the request \(authorization: Bearer \[redacted\]\)/,
      );
      assert.ok(!warnings.includes(SCRIPT_KEY));
    });

    test("a slow upstream meets @timeout: 504", async () => {
      await getJson(`/${mode}/slow?warm=1`);
      const response = await request(server, `/${mode}/slow`);
      assert.equal(response.status, 504);
      assert.equal((await response.json()).code, "SCRIPT_TIMEOUT");
      assert.match(fake.last("/chat/completions").body.messages.at(-1).content, /\[slow\]/);
    });

    test("a reply that does not match the schema is the script's error", async () => {
      fake.object = { name: 42 };
      try {
        const response = await request(server, `/${mode}/object`);
        assert.equal(response.status, 500);
        assert.match((await response.json()).error, /No object generated/);
      } finally {
        fake.object = { name: "Ada", age: 36 };
      }
    });

    test("openai({ baseURL }) reaches another endpoint, without the server's key", async () => {
      assert.equal((await getJson(`/${mode}/other`)).text, "echo: elsewhere");
      const sent = fake.last("/other/chat/completions");
      assert.equal(sent.body.model, "other/model");
      assert.equal(sent.headers.authorization, undefined);
    });

    test("metadata holds no AI key", async () => {
      const body = await getJson(`/${mode}/meta`);
      assert.ok(!body.metadata.includes(SCRIPT_KEY));
      assert.ok(!body.metadata.includes(SERVER_KEY));
    });

    test("a script without @ai gets none of the AI globals", async () => {
      const response = await request(server, `/${mode}/plain`);
      assert.equal(await response.text(), new Array(6).fill("undefined").join(","));
    });
  });
}

test("without a gateway the helpers exist and say which setting is missing", async () => {
  await using bare = await withServer({
    "1/ask.ts": `// @ai true\nreturn await ai.generate("x");`,
    "1/model.ts": `// @ai true\nreturn { model: typeof model, ai: typeof ai };`,
  });
  bare.log.expectError(/no gateway configured/);
  const response = await request(bare, "/ask");
  assert.equal(response.status, 500);
  assert.match(
    (await response.json()).error,
    /no gateway configured: start the server with HOODY_EXEC_AI_BASE_URL \(or --ai-base-url\)/,
  );
  assert.deepEqual(await (await request(bare, "/model")).json(), {
    model: "undefined",
    ai: "object",
  });
});
