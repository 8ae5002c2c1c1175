/** A script's own `@token` never reaches a log file, even printed outside any request. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { allLogText } from "../lib/log-files.ts";
import { eventually, managementCall, request, withServer } from "../lib/server.ts";

const TOKEN = "own-t0ken-value-42";

for (const mode of ["worker", "serverless"] as const) {
  test(`${mode} mode: the script's token printed at top level and in a request is redacted`, async () => {
    await using server = await withServer({
      "1/own.ts": `// @mode ${mode}
// @token ${TOKEN}
// Module scope: runs when the Worker loads the script, outside any request.
console.log("loaded with ${TOKEN}");
export default () => {
  console.log("in request ${TOKEN}");
  return "ok";
};`,
    });
    const response = await request(server, "/own", { headers: { "x-token": TOKEN } });
    assert.equal(await response.text(), "ok");
    const text = () => allLogText(server.dir.root);
    assert.ok(
      await eventually(() => Promise.resolve(text().includes("in request [redacted]")), 5000),
      text(),
    );
    assert.match(text(), /\[own\.ts -\] loaded with \[redacted\]/);
    assert.ok(!text().includes(TOKEN), text());
  });
}

test("a line printed after an edit took the script out of its instance is redacted too", async () => {
  await using server = await withServer({
    "1/late.ts": `// @mode worker
// @token ${TOKEN}
// Module scope, 3 s after the Worker loaded the script: by then an edit has replaced it.
setTimeout(() => console.log("later ${TOKEN}"), 3000);
export default () => "v1";`,
  });
  const response = await request(server, "/late", { headers: { "x-token": TOKEN } });
  assert.equal(await response.text(), "v1");
  const write = await managementCall(server, "POST", "/scripts/write", {
    path: "late.ts",
    content: `// @mode worker\n// @token ${TOKEN}\nexport default () => "v2";\n`,
  });
  assert.equal(write.status, 200, JSON.stringify(write.body));
  const text = () => allLogText(server.dir.root);
  assert.ok(!text().includes("later"), "the edit came before the line");
  assert.ok(
    await eventually(() => Promise.resolve(text().includes("later [redacted]")), 8000),
    text(),
  );
  assert.ok(!text().includes(TOKEN), text());
});
