/**
 * Issue 12's "done when", end to end on a real server: a script logs; `logs read --execution-id X`
 * (API and CLI) gives exactly that request's lines; `logs stream` shows new lines live.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { callWith, json } from "../lib/management-calls.ts";
import { runCli } from "../lib/processes.ts";
import { eventually, request, withServer } from "../lib/server.ts";

const SCRIPT = `// @mode worker
console.log("hello from", metadata.query.who);
console.warn("careful", metadata.query.who);
return { id: metadata.executionId };`;

test("a request's own lines, by execution id, from the API and the CLI; stream shows them live", async () => {
  await using server = await withServer({ "1/talk.ts": SCRIPT });
  const send = (path: string, init: Parameters<typeof request>[2]) => request(server, path, init);
  const call = async (who: string) => (await (await request(server, `/talk?who=${who}`)).json()).id;
  const first = await call("ann");
  const second = await call("bob");
  assert.notEqual(first, second);

  // The writer batches lines on a timer, and the log API writes what waits before it reads: the
  // lines of a request already answered are there at once, no waiting.
  const read = async (executionId: string) =>
    await json(await callWith(send, "POST", "/logs/read", { executionId }));
  assert.equal((await read(second)).lines.length, 2);
  const mine = (await read(first)).lines as string[];
  assert.equal(mine.length, 2, mine.join("\n"));
  assert.match(mine[0]!, /\[LOG\] \[talk\.ts [^\]]+\] hello from ann$/);
  assert.match(mine[1]!, /\[WARN\] \[talk\.ts [^\]]+\] careful ann$/);
  assert.ok(mine.every((line) => line.includes(` ${first}]`) && !line.includes("bob")));

  const cli = await runCli([
    "--url",
    server.url,
    "logs",
    "read",
    "--execution-id",
    first,
    "-o",
    "json",
  ])
    .finished();
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout).lines, mine);

  await using stream = runCli(["--url", server.url, "logs", "stream"]);
  assert.ok(await eventually(() => Promise.resolve(stream.stdout.includes("hello from bob"))));
  const third = await call("cyd");
  assert.ok(
    await eventually(
      () => Promise.resolve(stream.stdout.includes(`${third}] hello from cyd`)),
      10_000,
    ),
    stream.stdout,
  );
});
