/** A script's AI settings: the server's gateway (flags or HOODY_EXEC_AI_*) under its @ai-* directives. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { aiSettings } from "../../runtime/ai/settings.ts";
import { parseDirectives } from "../../runtime/directives/parse.ts";
import { resolveConfig } from "../../runtime/server/config.ts";
import { readServeCommand } from "../../runtime/server/flags.mjs";

const GATEWAY = {
  aiBaseUrl: "http://127.0.0.1:9/v1",
  aiKey: "server-key",
  aiModel: "server/model",
};

describe("aiSettings", () => {
  const cases: [string, string, ReturnType<typeof aiSettings>][] = [
    ["no @ai: nothing, whatever else is set", "// @ai-model a/b\nreturn 1;", null],
    ["@ai false", "// @ai false\nreturn 1;", null],
    ["@ai true: the server's gateway, key and model", "// @ai true\nreturn 1;", {
      baseUrl: GATEWAY.aiBaseUrl,
      key: "server-key",
      model: "server/model",
      temperature: null,
      maxTokens: null,
    }],
    [
      "the script's directives win",
      "// @ai true\n// @ai-model a/b\n// @ai-key mine\n// @ai-temperature 0.5\n// @ai-max-tokens 99\nreturn 1;",
      { baseUrl: GATEWAY.aiBaseUrl, key: "mine", model: "a/b", temperature: 0.5, maxTokens: 99 },
    ],
  ];
  for (const [name, source, expected] of cases) {
    test(name, () => {
      assert.deepEqual(aiSettings(GATEWAY, parseDirectives(source).directives), expected);
    });
  }

  test("without a server gateway, the script's own settings still pass", () => {
    const none = { aiBaseUrl: null, aiKey: null, aiModel: null };
    const { directives } = parseDirectives("// @ai true\n// @ai-model a/b\nreturn 1;");
    assert.deepEqual(aiSettings(none, directives), {
      baseUrl: null,
      key: null,
      model: "a/b",
      temperature: null,
      maxTokens: null,
    });
  });
});

describe("the server's AI flags", () => {
  test("HOODY_EXEC_AI_* are read when the flags are absent; a flag wins", () => {
    const env = {
      HOODY_EXEC_AI_BASE_URL: "https://gateway.example/v1",
      HOODY_EXEC_AI_KEY: "env-key",
      HOODY_EXEC_AI_MODEL: "env/model",
    };
    assert.deepEqual(readServeCommand(["serve"], env).config, {
      aiBaseUrl: "https://gateway.example/v1",
      aiKey: "env-key",
      aiModel: "env/model",
    });
    const flags = readServeCommand(["serve", "--ai-model", "flag/model"], env).config;
    assert.equal(flags.aiModel, "flag/model");
  });

  test("none by default; a base URL that is not http(s) is refused at start", () => {
    const config = resolveConfig({}, "bun");
    assert.deepEqual([config.aiBaseUrl, config.aiKey, config.aiModel], [null, null, null]);
    assert.throws(
      () => resolveConfig({ aiBaseUrl: "gateway.example/v1" }, "bun"),
      /--ai-base-url must be an http\(s\) URL/,
    );
  });
});
