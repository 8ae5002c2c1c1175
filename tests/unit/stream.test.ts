import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createInboundStream } from "../../runtime/host/inbound-stream.ts";
import type { Bytes, FromWorker } from "../../runtime/protocol/messages.ts";
import { formatSse } from "../../runtime/sandbox/sse.ts";
import { createOutbound, STREAM_WINDOW } from "../../runtime/sandbox/stream.ts";
import { createSocketMetrics } from "../../runtime/server/websocket-metrics.ts";

describe("formatSse", () => {
  const cases: [Parameters<typeof formatSse>[0], string][] = [
    ["hello", "data: hello\n\n"],
    ["two\nlines", "data: two\ndata: lines\n\n"],
    [{ data: { n: 1 } }, 'data: {"n":1}\n\n'],
    [{ event: "tick", id: 3, data: "x" }, "event: tick\nid: 3\ndata: x\n\n"],
    [{ retry: 1500 }, "retry: 1500\n\n"],
    [{ comment: "keep-alive" }, ": keep-alive\n\n"],
    [{ event: "a\nb", data: "" }, "event: a b\ndata: \n\n"],
  ];
  for (const [event, wire] of cases) {
    test(`${JSON.stringify(event)} -> ${JSON.stringify(wire)}`, () => {
      assert.equal(formatSse(event), wire);
    });
  }
});

describe("the stream window", () => {
  test("a producer waits past the window and resumes when the server acknowledges", async () => {
    const sent: FromWorker[] = [];
    const out = createOutbound(1, (message) => void sent.push(message), () => {});
    out.start({ status: 200, headers: [] });
    const chunk = (n: number): Bytes => new Uint8Array(n);
    await out.write(chunk(STREAM_WINDOW - 1));
    let resumed = false;
    const waiting = out.write(chunk(10)).then(() => (resumed = true));
    assert.equal(out.full, true);
    await Promise.resolve();
    assert.equal(resumed, false);
    out.ack(STREAM_WINDOW - 1);
    await waiting;
    assert.equal(resumed, true);
    out.end();
    assert.deepEqual(sent.map((m) => m.t), ["head", "chunk", "chunk", "end"]);
  });

  test("a cancel wakes the producer and tells its listeners", async () => {
    const out = createOutbound(2, () => {}, () => {});
    let told = 0;
    out.onCancel(() => told++);
    const waiting = out.write(new Uint8Array(STREAM_WINDOW));
    out.cancel();
    await waiting;
    assert.equal(told, 1);
    assert.equal(out.cancelled, true);
  });

  test("the server side acknowledges each chunk only as it is read", async () => {
    const acks: number[] = [];
    let cancelled = false;
    const inbound = createInboundStream((n) => acks.push(n), () => (cancelled = true));
    inbound.push(new Uint8Array(3));
    inbound.push(new Uint8Array(5));
    assert.deepEqual(acks, []);
    const reader = inbound.stream.getReader();
    assert.equal((await reader.read()).value?.byteLength, 3);
    assert.deepEqual(acks, [3]);
    await reader.cancel();
    assert.equal(cancelled, true);
  });

  test("an ended stream closes after its last chunk; a failed one errors", async () => {
    const ok = createInboundStream(() => {}, () => {});
    ok.push(new TextEncoder().encode("a") as Bytes);
    ok.end();
    assert.equal(await new Response(ok.stream).text(), "a");
    const broken = createInboundStream(() => {}, () => {});
    broken.end(new Error("gone"));
    await assert.rejects(new Response(broken.stream).text());
  });
});

describe("WebSocket metrics", () => {
  test("counts opens, normal and abnormal closes per script and in total", () => {
    const metrics = createSocketMetrics();
    metrics.opened("1:a.ts");
    metrics.opened("1:a.ts");
    metrics.opened("1:b.ts");
    metrics.closed("1:a.ts", 1000, 100);
    metrics.closed("1:a.ts", 1006, 300);
    const { total, scripts } = metrics.read();
    assert.deepEqual(scripts["1:a.ts"], {
      opened: 2,
      closed: 2,
      active: 0,
      normalCloses: 1,
      abnormalCloses: 1,
      meanSessionMs: 200,
      maxSessionMs: 300,
    });
    assert.equal(total.active, 1);
    assert.equal(total.opened, 3);
  });
});
