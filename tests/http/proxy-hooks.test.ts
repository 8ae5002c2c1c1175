/**
 * Proxy hooks end to end (docs/proxy-hooks.md): a local upstream service, a real server with
 * `--upstream api=…`, requests at `api.proxy.localhost`: pass-through byte for byte, hooks that
 * log and rewrite, answer themselves, throw (502), time out (504); WebSockets passed through; the
 * hooks API with If-Match.
 */
import assert from "node:assert/strict";
import http from "node:http";
import { gzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";
import type { RunningHoodyExec } from "../../runtime/serve.ts";
import { type Body, callWith, json } from "../lib/management-calls.ts";
import { type ScriptsDir, tmpScripts } from "../lib/scripts-dir.ts";
import { eventually, managementCall, request, startServer } from "../lib/server.ts";
import { createTestLog } from "../lib/server-log.ts";

const HOST = "api.proxy.localhost";

/** What the upstream was sent, one record per request. */
interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Every byte value: a body that no text decoding would leave alone. */
const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** A small service to sit in front of: echoes, answers binary, gzip, and a body in two parts. */
function startUpstream() {
  const seen: Seen[] = [];
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => release = resolve);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url!.startsWith("/binary")) {
        res.writeHead(207, { "content-type": "application/x-test", "x-upstream": "one" });
        res.end(BINARY);
      } else if (req.url === "/gzip") {
        const zipped = gzipSync("zipped text ".repeat(50));
        res.writeHead(200, { "content-encoding": "gzip", "content-length": zipped.length });
        res.end(zipped);
      } else if (req.url === "/stream") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("first\n");
        void released.then(() => res.end("second\n"));
      } else {
        res.writeHead(200, { "content-type": "application/json", "x-upstream": "echo" });
        res.end(JSON.stringify({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: body.toString("utf8"),
        }));
      }
    });
  });
  return {
    seen,
    release,
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port))
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const HOOKS = {
  "1/hello.ts": "return 'scripts still answer';",
  "1/_hooks/rewrite.ts": `
console.log("hook saw " + metadata.method + " " + metadata.path + " from " + metadata.clientIp);
const headers = new Headers(request.headers);
headers.set("x-rewritten", "by hook");
const answer = await hook.forward({ path: "/echo" + metadata.path, headers });
const data = await answer.json();
return { via: "hook", upstream: metadata.hook.upstream, status: answer.status, data };
`,
  "1/_hooks/answer.ts": `
return { answered: metadata.hook.id, url: metadata.url, clientIp: metadata.clientIp,
  upstream: metadata.hook.upstream, body: req.body };
`,
  "1/_hooks/pass.ts": "return hook.forward();",
  "1/_hooks/throws.ts": "throw new Error('hook refused');",
  "1/_hooks/slow.ts": "await new Promise(() => {});",
  "1/_hooks/short.ts": "// @timeout 200\nawait new Promise(() => {});",
  "1/_hooks/worker.ts": `// @mode worker
const answer = await hook.forward();
return new Response(answer.body, { status: answer.status, headers: { "x-mode": metadata.mode } });
`,
};

describe("proxy hooks: requests to a proxied service", () => {
  const upstream = startUpstream();
  let dir: ScriptsDir;
  let server: RunningHoodyExec;
  const log = createTestLog();
  let version = 0;

  const addHook = async (body: Record<string, unknown>) => {
    const created = await managementCall(server, "POST", "/proxy/hooks/create", {
      service: "api",
      ifMatch: `file:v${version}`,
      ...body,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    version = created.body.file_version;
    return created.body.hook;
  };

  before(async () => {
    const port = await upstream.listen();
    dir = tmpScripts(HOOKS);
    server = await startServer(dir.root, { upstreams: [`api=http://127.0.0.1:${port}`] }, log);
    await addHook({ match: { path: "/hooked/*" }, script: { path: "_hooks/rewrite.ts" } });
    await addHook({ match: { path: "/answer" }, script: { path: "_hooks/answer.ts" } });
    await addHook({
      match: { path: "/pass", headers: { "x-via": "hook" } },
      script: { path: "_hooks/pass.ts" },
    });
    await addHook({ match: { path: "/throws" }, script: { path: "_hooks/throws.ts" } });
    await addHook({ match: { path: "/slow" }, script: { path: "_hooks/slow.ts" }, timeout: 300 });
    await addHook({ match: { path: "/short" }, script: { path: "_hooks/short.ts" } });
    await addHook({ match: { path: "/worker/*" }, script: { path: "_hooks/worker.ts" } });
  });
  after(async () => {
    await server.stop();
    await upstream.close();
    await dir[Symbol.asyncDispose]();
  });

  test("unmatched traffic passes through byte for byte: status, headers, binary body", async () => {
    const response = await request(server, "/binary?x=1&y=%20", { host: HOST });
    assert.equal(response.status, 207);
    assert.equal(response.headers.get("content-type"), "application/x-test");
    assert.equal(response.headers.get("x-upstream"), "one");
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), BINARY);
    const sent = upstream.seen.at(-1)!;
    assert.equal(sent.url, "/binary?x=1&y=%20");
    assert.equal(sent.headers["x-forwarded-host"], HOST);
    assert.equal(sent.headers["x-forwarded-for"], "127.0.0.1");
  });

  test("other hosts still reach the scripts; an unknown service answers 404", async () => {
    assert.equal(await (await request(server, "/hello")).text(), "scripts still answer");
    const unknown = await request(server, "/x", { host: "nope.proxy.localhost" });
    assert.equal(unknown.status, 404);
    assert.match(String((await unknown.json() as Record<string, unknown>).error), /--upstream/);
  });

  test("a request body reaches the upstream as sent, with its method and headers", async () => {
    const response = await request(server, "/echo/post", {
      host: HOST,
      method: "PUT",
      headers: { "content-type": "application/octet-stream", "x-client": "c1" },
      body: new Uint8Array(BINARY),
    });
    assert.equal(response.status, 200);
    const sent = upstream.seen.at(-1)!;
    assert.equal(sent.method, "PUT");
    assert.equal(sent.headers["x-client"], "c1");
    assert.deepEqual(sent.body, BINARY);
  });

  test("an encoded answer stays encoded: the client gets the upstream's gzip bytes", async () => {
    const response = await request(server, "/gzip", {
      host: HOST,
      headers: { "accept-encoding": "gzip" },
    });
    assert.equal(response.headers.get("content-encoding"), "gzip");
    assert.deepEqual(
      Buffer.from(await response.arrayBuffer()),
      gzipSync("zipped text ".repeat(50)),
    );
  });

  test("a streamed answer reaches the client while the upstream is still writing", async () => {
    const first = await new Promise<string>((resolve, reject) => {
      const outgoing = http.request(
        { host: "127.0.0.1", port: server.port, path: "/stream", headers: { host: HOST } },
        (incoming) => {
          let text = "";
          incoming.on("data", (chunk: Buffer) => {
            text += chunk.toString();
            // The upstream sends its second part only once the first has reached the client.
            if (text === "first\n") upstream.release();
          });
          incoming.on("end", () => resolve(text));
          incoming.on("error", reject);
        },
      );
      outgoing.on("error", reject);
      outgoing.end();
    });
    assert.equal(first, "first\nsecond\n");
  });

  test("a worker-mode hook streams the upstream's body into its own response", async () => {
    const response = await request(server, "/worker/x?y=1", { host: HOST });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-mode"), "worker");
    assert.equal((await response.json() as Body).url, "/worker/x?y=1");
  });

  test("a hook logs and rewrites the request, then rewrites the upstream's answer", async () => {
    const response = await request(server, "/hooked/item?q=1", { host: HOST });
    assert.equal(response.status, 200);
    const body = await response.json() as Body;
    assert.equal(body.via, "hook");
    assert.deepEqual(body.upstream, {
      name: "api",
      host: "127.0.0.1",
      port: Number(new URL(server.config.upstreams[0]!.split("=")[1]!).port),
    });
    assert.equal(body.status, 200);
    assert.equal(body.data.url, "/echo/hooked/item");
    assert.equal(body.data.headers["x-rewritten"], "by hook");
    assert.ok(
      await eventually(async () => {
        const found = await managementCall(server, "POST", "/logs/search", {
          query: "hook saw GET /hooked/item from 127.0.0.1",
        });
        return found.status === 200 && JSON.stringify(found.body).includes("hook saw");
      }),
      "the hook's console line is in the instance's log",
    );
  });

  test("a hook may answer itself: the upstream is not called", async () => {
    const before = upstream.seen.length;
    const response = await request(server, "/answer?a=b", {
      host: HOST,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"n":1}',
    });
    assert.equal(response.status, 200);
    const body = await response.json() as Body;
    assert.match(body.answered, /^[0-9a-z]{26}$/);
    assert.equal(body.url, `http://${HOST}/answer?a=b`);
    assert.equal(body.clientIp, "127.0.0.1");
    assert.equal(body.upstream.name, "api");
    assert.deepEqual(body.body, { n: 1 });
    assert.equal(upstream.seen.length, before);
  });

  test("hook.forward() with nothing sends the original request, body included", async () => {
    const response = await request(server, "/pass", {
      host: HOST,
      method: "POST",
      headers: { "x-via": "hook", "content-type": "text/plain" },
      body: "original body",
    });
    assert.equal(response.status, 200);
    const sent = upstream.seen.at(-1)!;
    assert.equal(sent.url, "/pass");
    assert.equal(sent.body.toString(), "original body");
    // Without the header the hook does not match: the request passes through.
    const plain = await request(server, "/pass", { host: HOST });
    assert.equal(plain.status, 200);
    assert.equal(upstream.seen.at(-1)!.headers["x-via"], undefined);
  });

  test("a hook that throws answers 502, one that times out 504, the upstream untouched", async () => {
    const before = upstream.seen.length;
    const thrown = await request(server, "/throws", { host: HOST });
    assert.equal(thrown.status, 502);
    const thrownBody = await thrown.json() as Body;
    assert.equal(thrownBody.code, "HOOK_FAILED");
    assert.match(thrownBody.error, /hook refused/);
    const slow = await request(server, "/slow", { host: HOST });
    assert.equal(slow.status, 504);
    assert.equal((await slow.json() as Body).code, "HOOK_TIMEOUT");
    // The script's own @timeout, when shorter than the hook's, is the one that applies.
    const short = await request(server, "/short", { host: HOST });
    assert.equal(short.status, 504);
    assert.match((await short.json() as Body).error, /within 200 ms/);
    assert.equal(upstream.seen.length, before);
  });
});

/** A WebSocket by hand (the runtimes' WebSocket cannot set Host): one text message out, one in. */
function echoOverWebSocket(port: number, host: string, path: string, text: string) {
  return new Promise<{ status: number; reply: string }>((resolve, reject) => {
    const outgoing = http.request({
      host: "127.0.0.1",
      port,
      path,
      headers: {
        host,
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        "sec-websocket-version": "13",
      },
    });
    outgoing.on("upgrade", (response, socket, head) => {
      let received = Buffer.from(head);
      const take = () => {
        const length = received.length >= 2 ? received[1]! & 0x7f : 0;
        if (received.length < 2 || received.length < 2 + length) return;
        socket.destroy();
        resolve({
          status: response.statusCode!,
          reply: received.subarray(2, 2 + length).toString(),
        });
      };
      socket.on("data", (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        take();
      });
      socket.on("error", reject);
      // A client's frame is masked (RFC 6455 §5.3); a short text frame: FIN+text, length, mask.
      const payload = Buffer.from(text);
      const mask = Buffer.from([1, 2, 3, 4]);
      const masked = payload.map((byte, i) => byte ^ mask[i % 4]!);
      socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]));
      take();
    });
    outgoing.on("response", (incoming) => resolve({ status: incoming.statusCode!, reply: "" }));
    outgoing.on("error", reject);
    outgoing.end();
  });
}

describe("proxy hooks: WebSocket pass-through", () => {
  let upstreamDir: ScriptsDir;
  let upstreamServer: RunningHoodyExec;
  let dir: ScriptsDir;
  let server: RunningHoodyExec;

  before(async () => {
    upstreamDir = tmpScripts({
      "1/echo.ts": "// @mode worker\n// @websocket true\n" +
        'ws.message = (conn, data) => conn.send("echo:" + data + " " + metadata.query.q);',
    });
    upstreamServer = await startServer(upstreamDir.root);
    dir = tmpScripts({ "1/a.ts": "return 1;" });
    server = await startServer(dir.root, { upstreams: [`sock=${upstreamServer.url}`] });
  });
  after(async () => {
    await server.stop();
    await upstreamServer.stop();
    await dir[Symbol.asyncDispose]();
    await upstreamDir[Symbol.asyncDispose]();
  });

  test("an upgrade reaches the upstream's WebSocket; messages go both ways", async () => {
    const { status, reply } = await echoOverWebSocket(
      server.port,
      "sock.proxy.localhost",
      "/echo?q=1",
      "hello",
    );
    assert.equal(status, 101);
    assert.equal(reply, "echo:hello 1");
  });
});

describe("proxy hooks: the hooks API", () => {
  const upstream = startUpstream();
  let dir: ScriptsDir;
  let server: RunningHoodyExec;
  let upstreams: string[];
  const call = (method: string, path: string, body?: unknown) =>
    managementCall(server, method, path, body);
  const hookBody = (path = "/x/*") => ({
    service: "api",
    match: { method: ["GET", "post"], path, headers: { "x-a": "*" } },
    script: { path: "_hooks/answer.ts" },
  });

  before(async () => {
    upstreams = [`api=http://127.0.0.1:${await upstream.listen()}`, "web=http://127.0.0.1:1"];
    dir = tmpScripts({ "1/_hooks/answer.ts": "return 1;" });
    server = await startServer(dir.root, { upstreams });
  });
  after(async () => {
    await server.stop();
    await upstream.close();
    await dir[Symbol.asyncDispose]();
  });

  test("create, get, update, move, delete, each against the version read", async () => {
    const empty = await call("GET", "/proxy/hooks");
    assert.deepEqual(empty.body, { hooks: {}, file_version: 0, etag: "file:v0" });
    const upstreamList = await call("GET", "/proxy/upstreams");
    assert.deepEqual(upstreamList.body.upstreams.map((u: { name: string }) => u.name), [
      "api",
      "web",
    ]);

    // Without If-Match: 428; with the header (as the platform's clients send it): 201.
    const missing = await call("POST", "/proxy/hooks/create", hookBody());
    assert.equal(missing.status, 428);
    assert.equal(missing.body.code, "PRECONDITION_REQUIRED");
    const created = await request(server, "/api/v1/exec/proxy/hooks/create", {
      method: "POST",
      headers: { "content-type": "application/json", "if-match": "file:v0" },
      body: JSON.stringify(hookBody()),
    });
    assert.equal(created.status, 201);
    assert.equal(created.headers.get("etag"), "file:v1");
    const first = (await json(created)).hook;
    assert.match(first.id, /^[0-9a-z]{26}$/);
    assert.deepEqual(
      { position: first.position, timeout: first.timeout, match: first.match },
      { position: 0, timeout: 5000, match: hookBody().match },
    );

    // A stale version: 412, nothing changes.
    const stale = await call("POST", "/proxy/hooks/create", { ...hookBody(), ifMatch: "file:v0" });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.code, "PRECONDITION_FAILED");
    assert.equal(stale.body.etag, "file:v1");

    const second = await call("POST", "/proxy/hooks/create", {
      ...hookBody("/y"),
      ifMatch: "file:v1",
    });
    const third = await call("POST", "/proxy/hooks/create", {
      ...hookBody("/z"),
      position: 0,
      ifMatch: "file:v2",
    });
    assert.equal(third.body.hook.position, 0);
    const order = async () =>
      (await call("GET", "/proxy/hooks?service=api")).body.hooks.map((h: { id: string }) => h.id);
    assert.deepEqual(await order(), [third.body.hook.id, first.id, second.body.hook.id]);

    const moved = await call("POST", "/proxy/hooks/move", {
      service: "api",
      hookId: third.body.hook.id,
      position: 2,
      ifMatch: "file:v3",
    });
    assert.equal(moved.status, 200);
    assert.equal(moved.body.hook.position, 2);
    assert.deepEqual(await order(), [first.id, second.body.hook.id, third.body.hook.id]);

    const updated = await call("PUT", "/proxy/hooks/update", {
      ...hookBody("/updated"),
      hookId: first.id,
      timeout: 1234,
      ifMatch: "file:v4",
    });
    assert.equal(updated.status, 200);
    assert.deepEqual(
      [updated.body.hook.id, updated.body.hook.position, updated.body.hook.timeout],
      [first.id, 0, 1234],
    );
    const staleUpdate = await call("PUT", "/proxy/hooks/update", {
      ...hookBody(),
      hookId: first.id,
      ifMatch: "file:v4",
    });
    assert.equal(staleUpdate.status, 412);

    const got = await call("GET", `/proxy/hooks/get?service=api&hookId=${first.id}`);
    assert.equal(got.body.hook.match.path, "/updated");

    const noConfirm = await call(
      "DELETE",
      `/proxy/hooks/delete?service=api&hookId=${first.id}&ifMatch=file:v5`,
    );
    assert.equal(noConfirm.status, 400);
    const deleted = await call(
      "DELETE",
      `/proxy/hooks/delete?service=api&hookId=${first.id}&ifMatch=file:v5&confirm=true`,
    );
    assert.deepEqual(deleted.body, { file_version: 6, etag: "file:v6" });
    assert.deepEqual(await order(), [second.body.hook.id, third.body.hook.id]);
    const gone = await call("GET", `/proxy/hooks/get?service=api&hookId=${first.id}`);
    assert.equal(gone.status, 404);
  });

  test("the hooks survive a restart, version and all", async () => {
    const before = await call("GET", "/proxy/hooks");
    await server.stop();
    server = await startServer(dir.root, { upstreams });
    const after = await call("GET", "/proxy/hooks");
    assert.deepEqual(after.body, before.body);
    assert.ok(after.body.file_version > 0);
  });

  test("at most 8 hooks per service: the ninth answers 409", async () => {
    const cleared = await call(
      "DELETE",
      `/proxy/hooks/clear?service=api&confirm=true&ifMatch=*`,
    );
    assert.equal(cleared.status, 200);
    let version = cleared.body.file_version;
    for (let i = 0; i < 8; i++) {
      const made = await call("POST", "/proxy/hooks/create", {
        ...hookBody(),
        ifMatch: `file:v${version}`,
      });
      assert.equal(made.status, 201);
      version = made.body.file_version;
    }
    const ninth = await call("POST", "/proxy/hooks/create", {
      ...hookBody(),
      ifMatch: `file:v${version}`,
    });
    assert.equal(ninth.status, 409);
    assert.match(ninth.body.error, /at most 8/);
    assert.equal((await call("GET", "/proxy/hooks")).body.file_version, version);
  });

  test("bad inputs answer 400 naming the field, and change nothing", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ service: "nope" }, "service"],
      [{ service: "logs" }, "service"],
      [{ match: { path: "no-slash" } }, "match.path"],
      [{ match: { method: "GET POST" } }, "match.method"],
      [{ match: { extra: 1 } }, "match"],
      [{ script: { path: "../escape.ts" } }, "script.path"],
      [{ script: { path: "_hooks/missing.ts" } }, "script.path"],
      [{ script: { path: "_hooks/answer.ts", execId: "9" } }, "body"],
      [{ timeout: 0 }, "timeout"],
      [{ timeout: 30_001 }, "timeout"],
      [{ position: 99 }, "position"],
    ];
    const version = (await call("GET", "/proxy/hooks")).body.file_version;
    for (const [change, field] of cases) {
      const response = await call("POST", "/proxy/hooks/create", {
        ...hookBody(),
        ifMatch: `file:v${version}`,
        ...change,
      });
      assert.ok(
        response.status === 400 || response.status === 404,
        `${JSON.stringify(change)}: ${response.status}`,
      );
      if (response.status === 400 && field !== "body") {
        assert.equal(response.body.field, field, JSON.stringify(change));
      }
    }
    assert.equal((await call("GET", "/proxy/hooks")).body.file_version, version);
    const junk = await callWith(
      (to, init) => request(server, to, init),
      "POST",
      "/proxy/hooks/create",
      hookBody(),
      { "if-match": "v1" },
    );
    assert.equal(junk.status, 412);
  });
});

test("--upstream is checked at start, naming the entry and the fix", async () => {
  const dir = tmpScripts({ "1/a.ts": "return 1;" });
  try {
    const bad: [string[], RegExp][] = [
      [["api"], /name=http/],
      [["api=ftp://x"], /only http/],
      [["api=http://127.0.0.1:1/path"], /scheme, host and port/],
      [["a b=http://127.0.0.1:1"], /DNS label/],
      [["api=http://127.0.0.1:1", "api=http://127.0.0.1:2"], /twice/],
      [["proxy=http://127.0.0.1:1"], /reserved/],
    ];
    for (const [upstreams, message] of bad) {
      await assert.rejects(startServer(dir.root, { upstreams }), message);
    }
  } finally {
    await dir[Symbol.asyncDispose]();
  }
});
