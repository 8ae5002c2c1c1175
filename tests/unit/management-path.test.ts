import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { API_PREFIX, isManagementPath } from "../../runtime/server/management-path.ts";

describe("isManagementPath: the management API always wins over scripts", () => {
  const rows: [string, boolean][] = [
    [API_PREFIX, true],
    [`${API_PREFIX}/`, true],
    [`${API_PREFIX}/scripts/list`, true],
    ["/openapi.json", true],
    ["/openapi.yaml", true],
    ["/api/v1/execute", false],
    ["/api/v1/exec.ts", false],
    ["/api/v1", false],
    ["/openapi.json/x", false],
    ["/openapi", false],
    ["/x/api/v1/exec", false],
    ["/", false],
  ];
  for (const [path, expected] of rows) {
    test(`${path} -> ${expected}`, () => assert.equal(isManagementPath(path), expected));
  }
});
