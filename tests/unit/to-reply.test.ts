import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type Reply, toReply } from "../../runtime/sandbox/reply.ts";
import { ResponseState, type ScriptResponse, toBytes } from "../../runtime/sandbox/response.ts";

interface Expected {
  status: number;
  type: string | null;
  body: string | null;
  /** The body is left to stream (read from a source) rather than sent at once. */
  streams?: boolean;
}

const decoder = new TextDecoder();

/** The reply's body as text, read from its source when it streams. */
async function bodyOf(reply: Reply): Promise<string | null> {
  if (!reply.source) {
    return typeof reply.body === "string" || reply.body === null
      ? reply.body
      : decoder.decode(reply.body);
  }
  let text = "";
  for (let step = await reply.source.next(); !step.done; step = await reply.source.next()) {
    text += decoder.decode(toBytes(step.value));
  }
  return text;
}

const json = (body: string): Expected => ({ status: 200, type: "application/json", body });
const TEXT = "text/plain; charset=utf-8";

describe("toReply: what a script returns -> status, content type and body", () => {
  const rows: [string, (res: ScriptResponse) => unknown, Expected][] = [
    ["an object is JSON", () => ({ a: 1 }), json('{"a":1}')],
    ["an array is JSON", () => [1, "x"], json('[1,"x"]')],
    [
      "a null-prototype object is JSON",
      () => Object.assign(Object.create(null), { a: 1 }),
      json('{"a":1}'),
    ],
    ["a number is JSON", () => 42, json("42")],
    ["a boolean is JSON", () => false, json("false")],
    ["a BigInt inside is written as a string", () => ({ n: 10n }), json('{"n":"10"}')],
    ["a class instance is JSON", () =>
      new (class Point {
        x = 1;
      })(), json('{"x":1}')],
    ["a string is text", () => "hi", { status: 200, type: TEXT, body: "hi" }],
    ["undefined is 204", () => undefined, { status: 204, type: null, body: null }],
    ["null is 204", () => null, { status: 204, type: null, body: null }],
    ["undefined keeps a status the script set", (res) => void res.status(202), {
      status: 202,
      type: null,
      body: null,
    }],
    ["the status the script set stays", (res) => (res.status(201), { id: 1 }), {
      status: 201,
      type: "application/json",
      body: '{"id":1}',
    }],
    ["the content type the script set stays", (res) => {
      res.setHeader("Content-Type", "text/html");
      return "<p>";
    }, { status: 200, type: "text/html", body: "<p>" }],
    ["bytes are octet-stream", () => new Uint8Array([104, 105]), {
      status: 200,
      type: "application/octet-stream",
      body: "hi",
    }],
    ["an ArrayBuffer is octet-stream", () => new Uint8Array([104, 105]).buffer, {
      status: 200,
      type: "application/octet-stream",
      body: "hi",
    }],
    ["a Blob answers with its type", () => new Blob(["<svg/>"], { type: "image/svg+xml" }), {
      status: 200,
      type: "image/svg+xml",
      body: "<svg/>",
    }],
    [
      "a Response answers as itself",
      () => new Response("teapot", { status: 418, headers: { "content-type": "text/x-tea" } }),
      {
        status: 418,
        type: "text/x-tea",
        body: "teapot",
        streams: true,
      },
    ],
    ["a Response without a body", () => new Response(null, { status: 304 }), {
      status: 304,
      type: null,
      body: null,
    }],
    ["a ReadableStream streams as text", () =>
      new ReadableStream({
        start(controller) {
          controller.enqueue("a");
          controller.enqueue("b");
          controller.close();
        },
      }), { status: 200, type: TEXT, body: "ab", streams: true }],
    ["an async generator streams as text", () =>
      (async function* () {
        yield "x";
        yield "y";
      })(), { status: 200, type: TEXT, body: "xy", streams: true }],
    ["an AI stream result (an object with a textStream) streams its text", () => {
      class StreamResult {
        get textStream() {
          return new ReadableStream<string>({
            start(controller) {
              controller.enqueue("to");
              controller.enqueue("kens");
              controller.close();
            },
          });
        }
      }
      return new StreamResult();
    }, { status: 200, type: TEXT, body: "tokens", streams: true }],
    [
      "an object whose textStream is not a stream is JSON",
      () => ({ textStream: "no" }),
      json(
        '{"textStream":"no"}',
      ),
    ],
    ["res.write without a return sends what was written", (res) => {
      res.write("a");
      res.write("b");
    }, { status: 200, type: null, body: "ab" }],
    ["once res.end ran, the return value is ignored", (res) => {
      res.end("done");
      return { ignored: true };
    }, { status: 200, type: null, body: "done" }],
    ["res.json answers JSON", (res) => void res.json({ ok: true }), json('{"ok":true}')],
  ];
  for (const [name, script, expected] of rows) {
    test(name, async () => {
      const state = new ResponseState();
      const reply = await toReply(script(state.res), state);
      const type = reply.response.headers.find(([n]) => n === "content-type")?.[1] ?? null;
      assert.equal(reply.response.status, expected.status);
      assert.equal(type, expected.type);
      assert.equal(reply.source !== undefined, expected.streams ?? false);
      assert.equal(await bodyOf(reply), expected.body);
    });
  }
});

test("a JSON or string answer stays text, with its content type: the server's Response takes it as a string", async () => {
  for (const value of [{ a: "é" }, "hi", ""]) {
    const state = new ResponseState();
    const reply = await toReply(value, state);
    assert.equal(typeof reply.body, "string");
    assert.ok(reply.response.headers.some(([name]) => name === "content-type"));
  }
});
