import assert from "node:assert/strict";
import { connect } from "node:net";
import { describe, test } from "node:test";
import { suiteServer } from "../lib/server.ts";

/** Sends raw bytes (no client library would send these) and reads the whole answer. */
function rawRequest(
  port: number,
  head: string,
): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    // Written, not ended: a server may drop a half-closed connection before answering. Every
    // request here says `Connection: close` (or is HTTP/1.0), so the server ends the exchange.
    const socket = connect(port, "127.0.0.1", () => socket.write(Buffer.from(head, "latin1")));
    socket.setTimeout(5000, () => socket.destroy());
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      const top = split === -1 ? text : text.slice(0, split);
      resolve({
        status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(top)?.[1] ?? 0),
        head: top.toLowerCase(),
        body: split === -1 ? "" : text.slice(split + 4),
      });
    });
  });
}

const request = (target: string, headers: string) =>
  `GET ${target} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`;

// Each answer is either our JSON error or (for what the runtime's HTTP parser itself refuses) an
// empty 4xx: never a 500, never the runtime's own HTML or text page.
const MALFORMED: [string, string][] = [
  ["two hosts joined by a comma", request("/hello", "Host: exec-1.localhost, evil.example\r\n")],
  ["a space in the host", request("/hello", "Host: a b\r\n")],
  ["a port out of range", request("/hello", "Host: localhost:99999\r\n")],
  ["a port that is not a number", request("/hello", "Host: localhost:http\r\n")],
  ["an unclosed IPv6 bracket", request("/hello", "Host: [::1\r\n")],
  ["a non-ASCII host", request("/hello", "Host: \u00c3\u00a9t\u00c3\u00a9\r\n")],
  ["an empty host", request("/hello", "Host: \r\n")],
  ["a host of only a colon", request("/hello", "Host: :\r\n")],
  ["a host with a path", request("/hello", "Host: a/b\r\n")],
  ["a host with a user part", request("/hello", "Host: user@localhost\r\n")],
  ["no host at all, HTTP/1.0", "GET /hello HTTP/1.0\r\n\r\n"],
  ["an absolute-form target", request("http://evil.example/hello", "Host: localhost\r\n")],
  ["an asterisk target", "OPTIONS * HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"],
  ["a malformed percent-encoding", request("/%zz", "Host: localhost\r\n")],
  ["an encoded dot segment", request("/%2e%2e/etc/passwd", "Host: localhost\r\n")],
  ["a double-encoded backslash", request("/a%255cb", "Host: localhost\r\n")],
  ["a NUL byte encoded in the path", request("/a%00b", "Host: localhost\r\n")],
  ["a target that is not a path", request("hello", "Host: localhost\r\n")],
  [
    "a control character in a header value",
    request("/hello", "Host: localhost\r\nX-A: a\u0001b\r\n"),
  ],
  ["a header name with a space", request("/hello", "Host: localhost\r\nX A: b\r\n")],
  ["an enormous header", request("/hello", `Host: localhost\r\nX-Big: ${"a".repeat(20_000)}\r\n`)],
  ["a management path with a comma host", request("/api/v1/exec/health", "Host: a,b\r\n")],
];

describe("malformed requests get a clear 4xx, never the runtime's error page", () => {
  const server = suiteServer({ "1/hello.ts": `return "hello";` });

  for (const [name, raw] of MALFORMED) {
    test(name, async () => {
      const answer = await rawRequest(server.port, raw);
      assert.ok(answer.status >= 200 && answer.status < 500, `${name}: status ${answer.status}`);
      if (answer.status >= 400 && answer.body.trim() !== "") {
        assert.match(answer.head, /content-type: application\/json/, `${name}: ${answer.head}`);
        assert.equal(typeof JSON.parse(answer.body).code, "string", answer.body);
      }
      assert.doesNotMatch(answer.body, /<html|<!doctype/i);
    });
  }

  test("a well-formed request still answers after all of them", async () => {
    const answer = await rawRequest(server.port, request("/hello", "Host: localhost\r\n"));
    assert.equal(answer.status, 200);
    assert.equal(answer.body, "hello");
  });
});
