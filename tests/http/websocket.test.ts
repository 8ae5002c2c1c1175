import assert from "node:assert/strict";
import { describe, test } from "node:test";
import http from "node:http";
import { eventually, request, suiteServer, type TestServer } from "../lib/server.ts";

const WS = "// @mode worker\n// @websocket true\n";

/** A real WebSocket client (the runtime's global), with its messages queued for `next()`. */
export interface Client {
  socket: WebSocket;
  /** The next message not yet taken (text, or bytes for a binary one). */
  next(): Promise<string | Uint8Array>;
  closed: Promise<{ code: number; reason: string }>;
}

export function wsUrl(server: TestServer, path: string): string {
  return server.url.replace(/^http/, "ws") + path;
}

export async function connect(server: TestServer, path: string): Promise<Client> {
  const socket = new WebSocket(wsUrl(server, path));
  socket.binaryType = "arraybuffer";
  const queue: (string | Uint8Array)[] = [];
  const waiting: ((value: string | Uint8Array) => void)[] = [];
  socket.onmessage = ({ data }) => {
    const value = typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer);
    const take = waiting.shift();
    if (take) take(value);
    else queue.push(value);
  };
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason }));
  });
  await new Promise<void>((resolve, reject) => {
    socket.onopen = () => resolve();
    socket.onerror = () => reject(new Error(`WebSocket ${path} did not open`));
  });
  return {
    socket,
    next: () =>
      queue.length > 0
        ? Promise.resolve(queue.shift()!)
        : new Promise((resolve) => waiting.push(resolve)),
    closed,
  };
}

/** Sends an upgrade request by hand and returns the refusal (status and JSON body), or 101. */
export function upgradeStatus(
  server: TestServer,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> | null }> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request({
      host: "127.0.0.1",
      port: server.port,
      path,
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
        "sec-websocket-version": "13",
        ...headers,
      },
    });
    outgoing.on("upgrade", (_response, socket) => {
      socket.destroy();
      resolve({ status: 101, body: null });
    });
    outgoing.on("response", (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
      incoming.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: incoming.statusCode ?? 0, body: text ? JSON.parse(text) : null });
      });
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

describe("WebSockets", () => {
  const server = suiteServer({
    "1/echo.ts":
      `${WS}ws.message = (conn, data) => conn.send(typeof data === "string" ? "echo:" + data : data);
return "echo over HTTP";`,
    "1/room.ts": `${WS}ws.open = (conn) => conn.join(metadata.query.room ?? "lobby");
ws.message = (conn, text) => {
  shared.last = text;
  ws.broadcast(text, { room: [...conn.rooms][0], except: conn });
};
return { online: ws.connections.size };`,
    "1/peek.ts": `// @mode worker\nreturn { last: shared.last ?? null };`,
    "1/secret.ts":
      `${WS}// @token s3cret\nws.message = (conn, text) => conn.send("secret:" + text);`,
    "1/origin.ts":
      `${WS}// @cors https://app.example\nws.message = (conn, text) => conn.send(text);`,
    "1/plain.ts": `// @mode worker\nreturn "no websocket here";`,
    "1/serverless.ts": `// @websocket true\nreturn "serverless";`,
    "1/version.ts": `${WS}ws.message = (conn) => conn.send("v1");\nreturn "v1";`,
    "1/edge.ts": `${WS}export default {
  fetch(request) {
    if (request.headers.get("upgrade") !== "websocket") return new Response("edge over HTTP");
    const { socket, response } = upgradeWebSocket(request);
    socket.onopen = () => socket.send("hello from edge");
    socket.onmessage = (event) => socket.send("edge:" + event.data);
    return response;
  },
};`,
    "1/refuse.ts": `${WS}ws.message = () => {};
if (metadata.query.user !== "ok") return res.status(403).json({ error: "who are you" });
return "ok";`,
  }, { wsMaxMessageBytes: 64 * 1024 });

  test("echoes text and binary messages", async () => {
    const client = await connect(server, "/echo");
    client.socket.send("hi");
    assert.equal(await client.next(), "echo:hi");
    client.socket.send(new Uint8Array([1, 2, 3]));
    assert.deepEqual(await client.next(), new Uint8Array([1, 2, 3]));
    client.socket.close(1000);
    assert.equal((await client.closed).code, 1000);
  });

  test("a plain HTTP request to a WebSocket script still runs its HTTP code", async () => {
    assert.equal(await (await request(server, "/echo")).text(), "echo over HTTP");
  });

  test("broadcasts to 50 clients in a room, and shared works from handlers", async () => {
    const clients = await Promise.all(
      Array.from({ length: 50 }, () => connect(server, "/room?room=r50")),
    );
    const other = await connect(server, "/room?room=elsewhere");
    clients[0]!.socket.send("to everyone");
    const received = await Promise.all(clients.slice(1).map((c) => c.next()));
    assert.deepEqual(new Set(received), new Set(["to everyone"]));
    other.socket.send("only me");
    assert.ok(
      await eventually(async () =>
        (await (await request(server, "/peek")).json()).last === "only me"
      ),
    );
    clients[1]!.socket.send("second");
    assert.equal(await clients[0]!.next(), "second");
    for (const client of [...clients, other]) client.socket.close();
    await Promise.all([...clients, other].map((c) => c.closed));
  });

  test("a message over the size limit closes the socket with 1009", async () => {
    const client = await connect(server, "/echo");
    client.socket.send("x".repeat(64 * 1024 + 1));
    assert.equal((await client.closed).code, 1009);
  });

  test("@token gates the upgrade (401), and a good token opens it", async () => {
    const refused = await upgradeStatus(server, "/secret");
    assert.equal(refused.status, 401);
    assert.equal(refused.body?.code, "UNAUTHORIZED");
    const client = await connect(server, "/secret?token=s3cret");
    client.socket.send("in");
    assert.equal(await client.next(), "secret:in");
    client.socket.close();
  });

  test("@cors refuses an upgrade from another origin (403)", async () => {
    const refused = await upgradeStatus(server, "/origin", { origin: "https://evil.example" });
    assert.equal(refused.status, 403);
    assert.equal(refused.body?.code, "FORBIDDEN");
    assert.equal(
      (await upgradeStatus(server, "/origin", { origin: "https://app.example" })).status,
      101,
    );
  });

  test("an upgrade to a script without @websocket, or serverless, answers 400 naming the directive", async () => {
    const plain = await upgradeStatus(server, "/plain");
    assert.equal(plain.status, 400);
    assert.match(String(plain.body?.error), /@websocket true/);
    const serverless = await upgradeStatus(server, "/serverless");
    assert.equal(serverless.status, 400);
    assert.match(String(serverless.body?.error), /@mode worker/);
  });

  test("the script may refuse an upgrade with its own answer", async () => {
    const refused = await upgradeStatus(server, "/refuse");
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body, { error: "who are you" });
    assert.equal((await upgradeStatus(server, "/refuse?user=ok")).status, 101);
  });

  test("an edge-style script upgrades with upgradeWebSocket(request)", async () => {
    assert.equal(await (await request(server, "/edge")).text(), "edge over HTTP");
    const client = await connect(server, "/edge");
    assert.equal(await client.next(), "hello from edge");
    client.socket.send("ping");
    assert.equal(await client.next(), "edge:ping");
    client.socket.close();
  });

  test("an edited script's Worker closes its sockets with 1012, and clients can reconnect", async () => {
    const client = await connect(server, "/version");
    client.socket.send("which");
    assert.equal(await client.next(), "v1");
    server.dir.write("1/version.ts", `${WS}ws.message = (conn) => conn.send("v2");\nreturn "v2";`);
    assert.ok(
      await eventually(async () => (await (await request(server, "/version")).text()) === "v2"),
    );
    assert.equal((await client.closed).code, 1012);
    const again = await connect(server, "/version");
    again.socket.send("which");
    assert.equal(await again.next(), "v2");
    again.socket.close();
  });

  test("metrics count opened, closed and active connections per script", () => {
    const { total, scripts } = server.running.websocketMetrics();
    assert.ok(total.opened >= 50);
    assert.equal(total.opened, total.closed + total.active);
    assert.ok((scripts["1:room.ts"]?.opened ?? 0) >= 51);
    assert.ok((scripts["1:echo.ts"]?.abnormalCloses ?? 0) >= 1);
  });
});

describe("WebSocket connection cap", () => {
  const server = suiteServer(
    { "1/echo.ts": `${WS}ws.message = (conn, text) => conn.send(text);` },
    {
      wsMaxConnections: 2,
    },
  );

  test("an upgrade beyond the instance's cap answers 503; a closed one makes room", async () => {
    const a = await connect(server, "/echo");
    const b = await connect(server, "/echo");
    const refused = await upgradeStatus(server, "/echo");
    assert.equal(refused.status, 503);
    assert.equal(refused.body?.code, "UNAVAILABLE");
    a.socket.close();
    await a.closed;
    assert.ok(
      await eventually(async () => {
        try {
          (await connect(server, "/echo")).socket.close();
          return true;
        } catch {
          return false;
        }
      }),
    );
    b.socket.close();
  });
});
