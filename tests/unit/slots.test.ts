import assert from "node:assert/strict";
import { test } from "node:test";
import { createSlots } from "../../runtime/slots.ts";

test("slots hand out ids that find their value until it is deleted, and never again after", () => {
  const slots = createSlots<{ name: string }>();
  const a = slots.add({ name: "a" });
  const b = slots.add({ name: "b" });
  assert.notEqual(a, 0);
  assert.notEqual(a, b);
  assert.equal(slots.get(a)?.name, "a");
  assert.equal(slots.size, 2);

  assert.equal(slots.delete(a), true);
  assert.equal(slots.delete(a), false, "a second delete finds nothing");
  assert.equal(slots.get(a), undefined);
  // The freed slot is reused under a new id: a late answer for `a` cannot reach `c`.
  const c = slots.add({ name: "c" });
  assert.notEqual(c, a);
  assert.equal(slots.get(a), undefined);
  assert.equal(slots.delete(a), false);
  assert.equal(slots.get(c)?.name, "c");

  assert.deepEqual(slots.values().map((v) => v.name).sort(), ["b", "c"]);
  assert.equal(slots.size, 2);
  slots.clear();
  assert.equal(slots.size, 0);
  assert.deepEqual(slots.values(), []);
  assert.equal(slots.get(b), undefined);
  assert.equal(slots.get(c), undefined);
});

test("slots keep every id distinct over many turns of the same slots", () => {
  const slots = createSlots<object>();
  const seen = new Set<number>();
  for (let turn = 0; turn < 1000; turn++) {
    const ids = [slots.add({}), slots.add({}), slots.add({})];
    for (const id of ids) {
      assert.equal(seen.has(id), false, `id ${id} handed out twice`);
      assert.equal(Number.isSafeInteger(id), true);
      seen.add(id);
    }
    for (const id of ids) slots.delete(id);
  }
  assert.equal(slots.size, 0);
});

test("slots answer nothing for ids they never handed out", () => {
  const slots = createSlots<object>();
  slots.add({});
  for (const id of [0, -1, 1.5, Number.NaN, 2 ** 60, 7]) {
    assert.equal(slots.get(id), undefined, String(id));
    assert.equal(slots.delete(id), false, String(id));
  }
  assert.equal(slots.size, 1);
});
