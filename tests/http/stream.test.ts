import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { eventually, suiteServer } from "../lib/server.ts";

const MODES = ["worker", "serverless"] as const;

/**
 * Each streaming script sends "first", then waits (a bounded poll) for a file the test writes
 * only after it has read "first", then sends "last": so the test passes only if the first chunk
 * crossed the Worker boundary and reached the client before the script produced the last.
 */
const waitFor = (flag: string) =>
  `const fs = await import("node:fs");
const gate = async () => { for (let i = 0; i < 400 && !fs.existsSync(${
    JSON.stringify(flag)
  }); i++) await new Promise((r) => setTimeout(r, 25)); };`;

function scripts(root: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const mode of MODES) {
    const flag = (kind: string) => join(root, `flag-${mode}-${kind}`);
    files[`1/${mode}/generator.ts`] = `// @mode ${mode}\n${waitFor(flag("generator"))}
async function* body() { yield "first\\n"; await gate(); yield "last\\n"; }
return body();`;
    files[`1/${mode}/readable.ts`] = `// @mode ${mode}\n${waitFor(flag("readable"))}
const encoder = new TextEncoder();
let step = 0;
return new ReadableStream({
  async pull(controller) {
    step += 1;
    if (step === 1) controller.enqueue(encoder.encode("first\\n"));
    else if (step === 2) { await gate(); controller.enqueue(encoder.encode("last\\n")); }
    else controller.close();
  },
});`;
    files[`1/${mode}/write.ts`] = `// @mode ${mode}\n${waitFor(flag("write"))}
res.setHeader("content-type", "text/plain");
res.write("first\\n");
await gate();
res.end("last\\n");`;
    files[`1/${mode}/sse.ts`] = `// @mode ${mode}\n${waitFor(flag("sse"))}
async function* events() { yield "first"; await gate(); yield { event: "done", id: 2, data: { last: true } }; }
return sse(events());`;
    files[`1/${mode}/endless.ts`] = `// @mode ${mode}
const fs = await import("node:fs");
async function* ticks() {
  try {
    for (let n = 0; n < 2000; n++) {
      yield "tick " + n + "\\n";
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    fs.writeFileSync(${JSON.stringify(join(root, `stopped-${mode}`))}, "stopped");
  }
}
return ticks();`;
    files[`1/${mode}/quick.ts`] = `// @mode ${mode}
async function* body() { yield "a"; yield "b"; }
return body();`;
    files[`1/${mode}/response.ts`] =
      `// @mode ${mode}\nreturn new Response("plain", { headers: { "x-kind": "response" } });`;
    files[`1/${mode}/long.ts`] = `// @mode ${mode}\n// @timeout 300
async function* body() { for (let n = 0; n < 6; n++) { yield n + "\\n"; await new Promise((r) => setTimeout(r, 100)); } }
return body();`;
  }
  return files;
}

/** Reads a streamed body: the first chunk, then (after `between`) the rest. */
async function readInTwo(
  response: Response,
  between: () => void,
): Promise<{ first: string; rest: string }> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const { value } = await reader.read();
  const first = decoder.decode(value);
  between();
  let rest = "";
  for (let i = 0; i < 1000; i++) {
    const step = await reader.read();
    if (step.done) break;
    rest += decoder.decode(step.value, { stream: true });
  }
  return { first, rest };
}

describe("streamed responses", () => {
  const server = suiteServer(scripts);

  for (const mode of MODES) {
    for (const kind of ["generator", "readable", "write"]) {
      test(`${mode} mode: a ${kind} streams, the first chunk arrives before the last is made`, async () => {
        const response = await fetch(`${server.url}/${mode}/${kind}`);
        assert.equal(response.status, 200);
        const { first, rest } = await readInTwo(
          response,
          () => writeFileSync(join(server.dir.root, `flag-${mode}-${kind}`), "go"),
        );
        assert.equal(first, "first\n");
        assert.equal(rest, "last\n");
      });
    }

    test(`${mode} mode: sse() sends events one by one as text/event-stream`, async () => {
      const response = await fetch(`${server.url}/${mode}/sse`);
      assert.equal(response.headers.get("content-type"), "text/event-stream; charset=utf-8");
      assert.equal(response.headers.get("cache-control"), "no-cache");
      const { first, rest } = await readInTwo(
        response,
        () => writeFileSync(join(server.dir.root, `flag-${mode}-sse`), "go"),
      );
      assert.equal(first, "data: first\n\n");
      assert.equal(rest, 'event: done\nid: 2\ndata: {"last":true}\n\n');
    });

    test(`${mode} mode: a client that goes away stops the script's stream`, async () => {
      const controller = new AbortController();
      const response = await fetch(`${server.url}/${mode}/endless`, { signal: controller.signal });
      const reader = response.body!.getReader();
      assert.match(new TextDecoder().decode((await reader.read()).value), /^tick 0/);
      controller.abort();
      await reader.cancel().catch(() => {});
      assert.ok(
        await eventually(
          () => Promise.resolve(existsSync(join(server.dir.root, `stopped-${mode}`))),
          10_000,
        ),
        "the generator's finally ran",
      );
    });

    test(`${mode} mode: a body that ends at once is one ordinary response`, async () => {
      const quick = await fetch(`${server.url}/${mode}/quick`);
      assert.equal(await quick.text(), "ab");
      assert.equal(quick.headers.get("content-length"), "2");
      const plain = await fetch(`${server.url}/${mode}/response`);
      assert.equal(plain.headers.get("x-kind"), "response");
      assert.equal(await plain.text(), "plain");
    });

    test(`${mode} mode: @timeout covers a stream until its head only`, async () => {
      const response = await fetch(`${server.url}/${mode}/long`);
      assert.equal(response.status, 200);
      assert.equal(await response.text(), "0\n1\n2\n3\n4\n5\n");
    });
  }
});
