import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { request, startServer } from "../lib/server.ts";

const EXAMPLES = fileURLToPath(new URL("../../examples", import.meta.url));

// `npm start` is `hoody-exec serve --root examples`: the same root and defaults, on a random port.
test("npm start's examples/ answer the README quick start: curl localhost:8080/hello", async () => {
  const server = await startServer(EXAMPLES);
  try {
    const response = await request(server, "/hello", { host: `localhost:${server.port}` });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    assert.equal(await response.text(), '{"message":"Hello from hoody-exec","method":"GET"}');
  } finally {
    await server.stop();
  }
});
