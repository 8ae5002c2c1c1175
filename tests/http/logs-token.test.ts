/** A script's own `@token` never reaches a log file, even printed outside any request. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { eventually, request, withServer } from "../lib/server.ts";

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
    const folder = join(server.dir.root, "_hoody", "logs", "1");
    const text = () => {
      try {
        return readdirSync(folder).filter((n) => n.startsWith("exec-"))
          .map((n) => readFileSync(join(folder, n), "utf8")).join("");
      } catch {
        return "";
      }
    };
    assert.ok(
      await eventually(() => Promise.resolve(text().includes("in request [redacted]")), 5000),
      text(),
    );
    assert.match(text(), /\[own\.ts -\] loaded with \[redacted\]/);
    assert.ok(!text().includes(TOKEN), text());
  });
}
