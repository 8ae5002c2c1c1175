/** Execution and access logs written under _hoody/logs/<instance>/ (docs/logs.md), both modes. */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { eventually, request, suiteServer, withServer } from "../lib/server.ts";

/** Polls a synchronous check (the files are written on a short timer). */
const until = (check: () => boolean) => eventually(() => Promise.resolve(check()));

const MODES = ["worker", "serverless"] as const;
const SECRET = "s3cr3t-t0ken-value";

function files(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const mode of MODES) {
    out[`1/levels-${mode}.ts`] = `// @mode ${mode}
// @log-level debug
console.log("a-log", { x: 1 });
console.info("an-info");
console.warn("a-warn");
console.error(new Error("boom"));
console.debug("a-debug %d", 5);
console.log("forge\\n2026-01-01T00:00:00.000Z [ERROR] [x.ts -] forged\\u2028\\u0007\\r");
return { id: metadata.executionId };`;
    out[`1/silent-${mode}.ts`] = `// @mode ${mode}
// @log-level none
console.log("silent-line");
return { id: metadata.executionId };`;
    out[`1/locked-${mode}.ts`] = `// @mode ${mode}
// @token ${SECRET}
// @log-request-body true
console.log("saw", request.headers.get("authorization"), request.headers.get("cookie"), request.url);
return { id: metadata.executionId };`;
  }
  // Worker mode serves these at once: each line must carry its own request's executionId, whether
  // the Worker follows requests with AsyncLocalStorage (a script that awaits) or not (one whose
  // code all runs within its call: compile/analyse.ts).
  out["1/own-sync.ts"] = `// @mode worker
console.log("mine", metadata.executionId);
return { id: metadata.executionId };`;
  out["1/own-async.ts"] = `// @mode worker
await new Promise((resolve) => setTimeout(resolve, Number(metadata.query.wait)));
console.log("mine", metadata.executionId);
return { id: metadata.executionId };`;
  return out;
}

/** Every line of this instance's files of one kind, in file order. */
function lines(root: string, kind: "exec" | "access"): string[] {
  const dir = join(root, "_hoody", "logs", "1");
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(`${kind}-`)).sort();
  } catch {
    return [];
  }
  return names.flatMap((n) => readFileSync(join(dir, n), "utf8").split("\n").filter(Boolean));
}

async function idOf(response: Response): Promise<string> {
  assert.equal(response.status, 200);
  return ((await response.json()) as { id: string }).id;
}

describe("execution and access logs", () => {
  const server = suiteServer(files);

  for (const mode of MODES) {
    test(`${mode}: every console level lands in the exec log with the request's executionId`, async () => {
      const id = await idOf(await request(server, `/levels-${mode}`));
      const mine = () => lines(server.dir.root, "exec").filter((l) => l.includes(` ${id}]`));
      assert.ok(await until(() => mine().length === 6), mine().join("\n"));
      const got = mine();
      const re = (level: string, text: string) =>
        new RegExp(
          `^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\[${level}\\] \\[levels-${mode}\\.ts ${id}\\] ${text}`,
        );
      assert.match(got[0]!, re("LOG", "a-log \\{ x: 1 \\}"));
      assert.match(got[1]!, re("INFO", "an-info$"));
      assert.match(got[2]!, re("WARN", "a-warn$"));
      assert.match(got[3]!, re("ERROR", "Error: boom\\\\n"));
      assert.match(got[4]!, re("DEBUG", "a-debug 5$"));
      assert.match(got[5]!, re("LOG", "forge\\\\n2026-01-01T00:00:00\\.000Z \\[ERROR\\]"));
      assert.ok(got[5]!.endsWith("forged\\u2028\\u0007\\r"), got[5]);
      assert.ok(!lines(server.dir.root, "exec").some((l) => l.startsWith("2026-01-01")));
      assert.ok(
        await until(() =>
          lines(server.dir.root, "access").some((l) =>
            l.includes(`[ACCESS] [levels-${mode}.ts ${id}] GET /levels-${mode} 200 `) &&
            / \d+\.\dms 127\.0\.0\.1 headers=[a-z,-]*host/.test(l)
          )
        ),
      );
    });

    test(`${mode}: @log-level none writes neither console nor access lines`, async () => {
      const id = await idOf(await request(server, `/silent-${mode}`));
      // A later request's lines prove the earlier ones were flushed if they existed.
      const after = await idOf(await request(server, `/levels-${mode}`));
      assert.ok(
        await until(() => lines(server.dir.root, "access").some((l) => l.includes(` ${after}]`))),
      );
      const all = [...lines(server.dir.root, "exec"), ...lines(server.dir.root, "access")];
      assert.ok(!all.some((l) => l.includes(id) || l.includes("silent-line")));
    });

    test(`${mode}: a token, Authorization and Cookie values never reach a file`, async () => {
      const headers = { authorization: `Bearer ${SECRET}`, cookie: "session=c00kie-v4lue" };
      const a = await idOf(
        await request(server, `/locked-${mode}`, { method: "POST", headers, body: "hello-body" }),
      );
      const b = await idOf(await request(server, `/locked-${mode}?token=${SECRET}`));
      const c = await idOf(
        await request(server, `/locked-${mode}`, { headers: { "x-token": SECRET } }),
      );
      for (const id of [a, b, c]) {
        assert.ok(
          await until(() =>
            lines(server.dir.root, "exec").some((l) => l.includes(` ${id}] saw`)) &&
            lines(server.dir.root, "access").some((l) => l.includes(` ${id}]`))
          ),
        );
      }
      const access = lines(server.dir.root, "access").find((l) => l.includes(` ${a}]`))!;
      assert.match(access, / body=hello-body$/);
      const all = [...lines(server.dir.root, "exec"), ...lines(server.dir.root, "access")];
      for (const secret of [SECRET, "c00kie-v4lue"]) {
        assert.ok(!all.some((l) => l.includes(secret)), all.filter((l) => l.includes(secret))[0]);
      }
    });
  }

  test("worker mode: requests served at once each log under their own executionId", async () => {
    const calls = Array.from(
      { length: 24 },
      (_, i) => request(server, i % 2 ? `/own-sync` : `/own-async?wait=${(i * 7) % 20}`).then(idOf),
    );
    const ids = await Promise.all(calls);
    const mine = () => lines(server.dir.root, "exec").filter((l) => / mine /.test(l));
    assert.ok(await until(() => ids.every((id) => mine().some((l) => l.includes(` ${id}]`)))));
    for (const line of mine()) {
      const [, attributed, logged] = / ([\w-]+)\] mine (\S+)$/.exec(line) ?? [];
      assert.equal(attributed, logged, line);
    }
  });
});

test("log files rotate at logMaxFileBytes and the oldest go past logMaxTotalBytes", async () => {
  await using server = await withServer({
    // Multi-byte text: a file's cap is in bytes, and a split never cuts a character.
    "1/chatty.ts": `console.log("x".repeat(60) + "é✓".repeat(10)); return "ok";`,
  }, { logMaxFileBytes: 400, logMaxTotalBytes: 1200 });
  const dir = join(server.dir.root, "_hoody", "logs", "1");
  const day = new Date().toISOString().slice(0, 10);
  for (let i = 0; i < 40; i++) assert.equal((await request(server, "/chatty")).status, 200);
  const names = () => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  const size = () => names().reduce((sum, n) => sum + readFileSync(join(dir, n)).byteLength, 0);
  assert.ok(
    await until(() =>
      names().some((n) => /^exec-.*-0(0[5-9]|[1-9]\d)\.log$/.test(n)) &&
      !names().includes(`exec-${day}-001.log`)
    ),
    names().join(" "),
  );
  // The writer appends every 250 ms (the access lines of the last requests may still be on their
  // way): the files are read once the folder has stood still for longer than that.
  const snapshot = () =>
    names().map((n) => `${n}:${statSync(join(dir, n), { throwIfNoEntry: false })?.size}`).join(" ");
  assert.ok(
    await eventually(async () => {
      const before = snapshot();
      await new Promise((resolve) => setTimeout(resolve, 400));
      return snapshot() === before;
    }, 10_000),
  );
  for (const n of names()) {
    const bytes = readFileSync(join(dir, n));
    assert.ok(bytes.byteLength <= 400, n);
    assert.ok(new TextDecoder("utf-8", { fatal: true }).decode(bytes).endsWith("\n"), n);
  }
  assert.ok(size() <= 1200 + 2 * 400, `${size()}`);
});
