import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Bytes, RequestInfo } from "../../runtime/protocol/messages.ts";
import { createScriptRequest } from "../../runtime/sandbox/request.ts";

const encoder = new TextEncoder();

/** `req.body` as a script sees it, for a request with this content type and body. */
async function bodyFor(contentType: string | null, body: Bytes | string | null): Promise<unknown> {
  const info: RequestInfo = {
    executionId: "e1",
    method: "POST",
    url: "http://localhost/x",
    headers: contentType === null ? [] : [["content-type", contentType]],
    clientIp: "127.0.0.1",
    hostname: "localhost",
    execId: "1",
    scriptPath: "x.ts",
    parameters: {},
    startedAt: 0,
  };
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  return (await createScriptRequest(info, bytes, "worker")).req.body;
}

const multipart = () => {
  const form = new FormData();
  form.append("name", "ada");
  form.append("file", new Blob(["hi"], { type: "text/plain" }), "a.txt");
  return new Response(form);
};

describe("parseBody: the request body -> req.body", () => {
  const rows: [string, string | null, Bytes | string | null, unknown][] = [
    ["JSON is parsed", "application/json", '{"a":[1,2]}', { a: [1, 2] }],
    ["JSON with a charset", "application/json; charset=utf-8", "[true]", [true]],
    ["a +json type is JSON", "application/vnd.api+json", '{"x":1}', { x: 1 }],
    ["the type in any case", "Application/JSON", "1", 1],
    ["malformed JSON reaches the script as text", "application/json", "{oops", "{oops"],
    ["a form is an object", "application/x-www-form-urlencoded", "a=1&b=x+y", {
      a: "1",
      b: "x y",
    }],
    ["a repeated form field is a list", "application/x-www-form-urlencoded", "a=1&a=2", {
      a: ["1", "2"],
    }],
    ["text is a string", "text/plain", "héllo", "héllo"],
    ["no type is a string", null, "raw", "raw"],
    ["XML is a string", "application/xml", "<a/>", "<a/>"],
    ["JavaScript is a string", "application/javascript", "1+1", "1+1"],
    [
      "other types are bytes",
      "application/octet-stream",
      new Uint8Array([0, 255]),
      new Uint8Array([0, 255]),
    ],
    ["no body is undefined", "application/json", null, undefined],
    ["an empty body is undefined", "application/json", new Uint8Array(0), undefined],
  ];
  for (const [name, type, body, expected] of rows) {
    test(name, async () => {
      assert.deepEqual(await bodyFor(type, body), expected);
    });
  }

  test("multipart gives fields, and files with their name, type, size and bytes", async () => {
    const response = multipart();
    const type = response.headers.get("content-type")!;
    const bytes = new Uint8Array(await response.arrayBuffer());
    const body = await bodyFor(type, bytes) as Record<string, unknown>;
    assert.equal(body.name, "ada");
    const file = body.file as { name: string; type: string; size: number; data: Uint8Array };
    assert.equal(file.name, "a.txt");
    assert.match(file.type, /^text\/plain/);
    assert.equal(file.size, 2);
    assert.deepEqual([...file.data], [104, 105]);
  });
});
