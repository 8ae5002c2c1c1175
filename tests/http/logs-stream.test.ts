/** `logs/stream` over real HTTP (SSE: existing lines, live ones, rotation, the client leaving) and `hoody-exec logs stream`. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { activeFollowers } from "../../runtime/logs/follow.ts";
import { execLine, logFolderOf, REQ_A } from "../lib/log-files.ts";
import { runCli } from "../lib/processes.ts";
import { eventually, suiteServer } from "../lib/server.ts";

const FIRST = "exec-2026-12-03-001.log";
const SECOND = "exec-2026-12-03-002.log";
const line = (message: string) => `${execLine("INFO", "hello.ts", REQ_A, message)}\n`;

/** Reads an event stream in the background; `text` is what has arrived so far. */
async function openStream(url: string, signal?: AbortSignal) {
  const response = await fetch(url, { signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const done = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      // Aborted by the test.
    }
  })();
  return {
    response,
    done,
    get text() {
      return text;
    },
  };
}

describe("logs/stream", () => {
  const server = suiteServer({ "1/hello.ts": "return 1;" });
  const streamUrl = (query: string) => `${server.url}/api/v1/exec/logs/stream?${query}`;

  test("sends existing lines, then appended ones, follows a rotation, ends when the client goes", async () => {
    const logs = logFolderOf(server.dir.root);
    logs.write(FIRST, []);
    logs.append(FIRST, line("existing"));
    const abort = new AbortController();
    const stream = await openStream(streamUrl(`file=${FIRST}`), abort.signal);
    assert.equal(stream.response.status, 200);
    assert.match(stream.response.headers.get("content-type")!, /^text\/event-stream/);
    const arrived = (text: string) => () => Promise.resolve(stream.text.includes(text));
    assert.ok(await eventually(arrived("] existing\n\n"), 10_000), stream.text);
    assert.ok(stream.text.includes(`data: ${line("existing").trimEnd()}\n\n`));

    logs.append(FIRST, "2026-12-03T09:00:01.000Z [INFO] [hello.ts -] half"); // no \n yet
    logs.append(FIRST, " done\n");
    assert.ok(await eventually(arrived("] half done\n\n"), 10_000), stream.text);
    assert.ok(!stream.text.includes("] half\n"));

    logs.append(FIRST, line("last before rotation"));
    logs.write(SECOND, [line("after rotation").trimEnd()]);
    assert.ok(await eventually(arrived("] after rotation\n\n"), 10_000), stream.text);
    assert.ok(stream.text.indexOf("last before rotation") < stream.text.indexOf("after rotation"));
    logs.append(SECOND, line("live in the second"));
    assert.ok(await eventually(arrived("] live in the second\n\n"), 10_000), stream.text);

    assert.ok(activeFollowers() > 0);
    abort.abort();
    await stream.done;
    assert.ok(
      await eventually(() => Promise.resolve(activeFollowers() === 0), 10_000),
      "the server stopped following",
    );
  });

  test("follow=false sends what exists and ends", async () => {
    const stream = await openStream(streamUrl(`file=${FIRST}&follow=false`));
    await stream.done;
    assert.ok(stream.text.includes("] existing\n\n"));
    assert.ok(!stream.text.includes("after rotation"));
  });

  test("an unknown file is 404 before any stream starts", async () => {
    const response = await fetch(streamUrl("file=exec-2020-01-01-001.log"));
    assert.equal(response.status, 404);
    assert.equal((await response.json()).code, "NOT_FOUND");
  });

  test("hoody-exec logs stream prints a line appended while it runs", async () => {
    const logs = logFolderOf(server.dir.root);
    await using cli = runCli(["--url", server.url, "logs", "stream"]);
    // Without a file: the newest execution log (the second), from its start.
    assert.ok(
      await eventually(
        () => Promise.resolve(cli.stdout.includes("] live in the second\n")),
        20_000,
      ),
      cli.stdout + cli.stderr,
    );
    logs.append(SECOND, line("printed by the CLI"));
    assert.ok(
      await eventually(
        () => Promise.resolve(cli.stdout.includes("] printed by the CLI\n")),
        20_000,
      ),
      cli.stdout + cli.stderr,
    );
    assert.ok(!cli.stdout.includes("\x1b["), "no colour when not a terminal");
    assert.ok(!cli.stdout.includes("data:"));
  });
});
