import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { isValidInstanceId, parseInstanceId } from "../../routing/instance.ts";

const DEFAULT = "1";

const HOSTS: [string | null, string | null][] = [
  ["abc-def-exec-2.example.com", "2"],
  ["abc-def-exec-2.containers.hoody.com:443", "2"],
  ["exec-2.localhost", "2"],
  ["exec-test.localhost:8080", "test"],
  ["exec-2", "2"],
  ["EXEC-2.localhost", "2"],
  ["p-c-Exec-Test.localhost", "Test"],
  ["exec-my_inst.localhost", "my_inst"],
  ["exec-2.localhost.", "2"],
  // A `{sub}.` prefix: the instance label is then the second one.
  ["sub.exec-2.localhost", "2"],
  ["foo.abc-exec-2.example.com", "2"],
  ["foo.abc-exec-2.example.com:8443", "2"],
  ["foo.exec-2", "2"],
  ["a.b.exec-2.localhost", DEFAULT],
  ["foo.myexec-2.localhost", DEFAULT],
  // Hidden ids are returned as named, so the request answers 404 instead of reaching instance 1.
  ["exec-node_modules.localhost", "node_modules"],
  ["exec-_hoody.localhost", "_hoody"],
  ["foo.exec-node_modules.localhost", "node_modules"],
  ["myexec-2.localhost", DEFAULT],
  ["exec-.localhost", DEFAULT],
  ["exec-foo-bar.localhost", DEFAULT],
  ["exec-a.b-exec-3.com", "a"],
  ["exec-2x!.localhost", DEFAULT],
  ["localhost:8080", DEFAULT],
  ["localhost", DEFAULT],
  ["127.0.0.1", DEFAULT],
  ["127.0.0.1:8080", DEFAULT],
  ["[::1]:8080", DEFAULT],
  ["[::1]", DEFAULT],
  ["example.com", DEFAULT],
  [null, DEFAULT],
  ["", null],
  ["exec-2.localhost, exec-3.localhost", null],
  ["exec-2.localhost,exec-3.localhost", null],
  ["exec-2 .localhost", null],
  [" exec-2.localhost", null],
  ["exec-2.localhost\t", null],
  ["exec-2.localhost\r\nx: y", null],
  ["exec-2.localhost\u0000", null],
  ["exec-2.localhost:", null],
  ["exec-2.localhost:http", null],
  ["exec-2.localhost:80:80", null],
  [":8080", null],
  ["[::1", null],
  ["[::1]x", null],
];

describe("parseInstanceId", () => {
  for (const [host, expected] of HOSTS) {
    test(`${JSON.stringify(host)} -> ${JSON.stringify(expected)}`, () => {
      assert.equal(parseInstanceId(host, DEFAULT), expected);
    });
  }

  test("the default instance is whatever the caller configured", () => {
    assert.equal(parseInstanceId("localhost", "main"), "main");
    assert.equal(parseInstanceId(null, "main"), "main");
  });
});

describe("isValidInstanceId", () => {
  const CASES: [string, boolean][] = [
    ["1", true],
    ["test", true],
    ["My_Instance_2", true],
    ["", false],
    ["a-b", false],
    ["a.b", false],
    ["..", false],
    ["a/b", false],
    ["é", false],
    ["a b", false],
    // Hidden names (a leading `_` or `.`, node_modules) are never instances.
    ["node_modules", false],
    ["_hoody", false],
    ["_", false],
    ["__proto__", false],
    ["node_modules2", true],
    ["a_", true],
  ];
  for (const [id, valid] of CASES) {
    test(`${JSON.stringify(id)} -> ${valid}`, () => {
      assert.equal(isValidInstanceId(id), valid);
    });
  }
});
