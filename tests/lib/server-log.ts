import { createLogger, type Logger } from "../../runtime/log.ts";

/**
 * The logger a test server writes to. It prints warnings and errors as `--quiet` would, keeps them
 * for the test to read, and an error fails the running test unless the test declared it first
 * with `expectError(pattern)`.
 *
 * An unexpected error fails the test as an unhandled promise rejection carrying the logged line:
 * Bun's and Deno's test runners both fail the running test on one by default (Bun reports one that
 * lands between tests as an "error", which tests/run.mjs counts as a failure). A shared `afterEach`
 * cannot do it: Deno 2.9's node:test runs `afterEach` hooks but ignores what they throw or reject
 * (checked on the Deno that package.json pins), so the failure is raised when the line is logged.
 */
export interface TestLog extends Logger {
  /** Every warning logged so far (a 5xx answer, a restart, a directive warning...). */
  readonly warnings: readonly string[];
  /** Every error logged so far, expected or not. */
  readonly errors: readonly string[];
  /** Allows, from now on, errors matching `pattern`: the test says it expects them. */
  expectError(pattern: RegExp): void;
}

export function createTestLog(): TestLog {
  const warnings: string[] = [];
  const errors: string[] = [];
  const expected: RegExp[] = [];
  const print = createLogger(true);
  return {
    warnings,
    errors,
    info: () => {},
    warn(message) {
      print.warn(message);
      warnings.push(message);
    },
    error(message) {
      print.error(message);
      errors.push(message);
      if (expected.some((pattern) => pattern.test(message))) return;
      void Promise.reject(
        new Error(`the server logged an unexpected error (expectError() allows one):\n${message}`),
      );
    },
    expectError: (pattern) => void expected.push(pattern),
  };
}
