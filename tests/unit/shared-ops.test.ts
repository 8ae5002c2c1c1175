import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SharedOp, SharedPatch } from "../../runtime/protocol/messages.ts";
import { applyOps, isSafePath, toJsonValue } from "../../runtime/protocol/shared-ops.ts";
import { createSharedReplica, type SharedReplica } from "../../runtime/sandbox/shared.ts";

describe("applyOps", () => {
  const rows: [string, Record<string, unknown>, SharedOp[], Record<string, unknown>][] = [
    ["sets a key", {}, [{ op: "set", path: ["a"], value: 1 }], { a: 1 }],
    ["creates the objects on the way", {}, [{ op: "set", path: ["a", "b", "c"], value: true }], {
      a: { b: { c: true } },
    }],
    ["replaces a scalar on the way by an object", { a: 1 }, [{
      op: "set",
      path: ["a", "b"],
      value: 2,
    }], { a: { b: 2 } }],
    ["deletes a key", { a: 1, b: 2 }, [{ op: "delete", path: ["a"] }], { b: 2 }],
    ["deletes a nested key", { a: { b: 1, c: 2 } }, [{ op: "delete", path: ["a", "b"] }], {
      a: { c: 2 },
    }],
    ["a delete below a missing key creates nothing", { x: 1 }, [{
      op: "delete",
      path: ["a", "b"],
    }], { x: 1 }],
    ["applies in order", {}, [
      { op: "set", path: ["a"], value: 1 },
      { op: "set", path: ["a"], value: 2 },
      { op: "delete", path: ["a"] },
      { op: "set", path: ["b"], value: 3 },
    ], { b: 3 }],
    ["skips an empty path", { a: 1 }, [{ op: "set", path: [], value: 9 }], { a: 1 }],
    ["skips __proto__", {}, [{ op: "set", path: ["__proto__", "polluted"], value: 1 }], {}],
    ["skips constructor.prototype", {}, [{
      op: "set",
      path: ["constructor", "prototype", "polluted"],
      value: 1,
    }], {}],
    ["skips an unsafe op, keeps the next", {}, [
      { op: "set", path: ["x", "__proto__"], value: 1 },
      { op: "set", path: ["y"], value: 2 },
    ], { y: 2 }],
  ];
  for (const [name, start, ops, expected] of rows) {
    test(name, () => {
      const root = structuredClone(start);
      applyOps(root, ops);
      assert.deepEqual(root, expected);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  }
});

describe("isSafePath and toJsonValue", () => {
  const paths: [string[], boolean][] = [
    [["a", "b"], true],
    [[], true],
    [["__proto__"], false],
    [["a", "constructor"], false],
    [["prototype", "x"], false],
  ];
  for (const [path, safe] of paths) {
    test(`${JSON.stringify(path)} safe: ${safe}`, () => assert.equal(isSafePath(path), safe));
  }
  const values: [string, unknown, unknown][] = [
    ["undefined stays undefined", undefined, undefined],
    ["a Date becomes its string", new Date(0), "1970-01-01T00:00:00.000Z"],
    ["an undefined field goes", { a: undefined, b: 1 }, { b: 1 }],
    ["a Map becomes {}", new Map([["a", 1]]), {}],
    ["NaN becomes null", NaN, null],
  ];
  for (const [name, value, expected] of values) {
    test(`toJsonValue: ${name}`, () => assert.deepEqual(toJsonValue(value), expected));
  }
});

/** The server's side: orders patches as they arrive and echoes each to every replica. */
function createOrder(initial: Record<string, unknown>) {
  const state = structuredClone(initial);
  const inbox: SharedPatch[] = [];
  const replicas: SharedReplica[] = [];
  return {
    state,
    join(workerId: string): SharedReplica {
      const replica = createSharedReplica(
        "1",
        workerId,
        structuredClone(state),
        (patch) => inbox.push(patch),
      );
      replicas.push(replica);
      return replica;
    },
    /** Applies the inbox in the given order (indexes into it) and echoes each patch. */
    deliver(order = inbox.map((_, i) => i)): void {
      const patches = order.map((i) => inbox[i]!);
      inbox.length = 0;
      for (const patch of patches) {
        applyOps(state, patch.ops);
        for (const replica of replicas) replica.receive(patch);
      }
    },
  };
}

describe("the shared replica against the server's order", () => {
  test("a write shows at once locally and reaches the other Worker through the server", () => {
    const server = createOrder({});
    const a = server.join("w1");
    const b = server.join("w2");
    a.proxy.user = { name: "ada" };
    assert.deepEqual(a.proxy.user, { name: "ada" });
    assert.equal(b.proxy.user, undefined);
    a.flush();
    server.deliver();
    assert.deepEqual(b.proxy, { user: { name: "ada" } });
    assert.deepEqual(server.state, { user: { name: "ada" } });
  });

  test("a foreign patch before a Worker's own is acknowledged keeps the local write", () => {
    const server = createOrder({});
    const a = server.join("w1");
    const b = server.join("w2");
    a.proxy.mine = 1;
    a.flush();
    b.proxy.theirs = 2;
    b.flush();
    // The server got b's first; a sees it while its own write is still unacknowledged.
    server.deliver([1, 0]);
    assert.deepEqual(a.proxy, { mine: 1, theirs: 2 });
    assert.deepEqual(b.proxy, { mine: 1, theirs: 2 });
  });

  const orders: [string, number[], string][] = [
    ["a's write reached the server last", [1, 0], "a"],
    ["b's write reached the server last", [0, 1], "b"],
  ];
  for (const [name, order, winner] of orders) {
    test(`both write one key; every replica converges on the server's order: ${name}`, () => {
      const server = createOrder({ key: "start" });
      const a = server.join("w1");
      const b = server.join("w2");
      a.proxy.key = "a";
      a.flush();
      b.proxy.key = "b";
      b.flush();
      server.deliver(order);
      assert.equal(server.state.key, winner);
      assert.equal(a.proxy.key, winner);
      assert.equal(b.proxy.key, winner);
    });
  }

  test("writes not yet flushed survive a foreign patch, and deletes travel too", () => {
    const server = createOrder({ gone: 1, kept: 1 });
    const a = server.join("w1");
    const b = server.join("w2");
    delete b.proxy.gone;
    b.flush();
    a.proxy.unflushed = true;
    server.deliver();
    assert.deepEqual(a.proxy, { kept: 1, unflushed: true });
    a.flush();
    server.deliver();
    assert.deepEqual(b.proxy, { kept: 1, unflushed: true });
  });

  test("a prototype key is refused at the proxy", () => {
    const server = createOrder({});
    const a = server.join("w1");
    for (const key of ["__proto__", "constructor", "prototype"]) {
      assert.throws(() => (a.proxy[key] = 1), TypeError, key);
    }
  });
});
