/**
 * Real requests move the counters, and the real tools read them: `promtool check metrics` accepts
 * our exposition, and a real Prometheus scrapes it and answers our series through its query API.
 * Without Debian's `prometheus` package (and no way to install it) the Prometheus parts skip.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { eventually, managementCall, request, withServer } from "../lib/server.ts";

const METRICS = "/api/v1/exec/monitor/metrics";
const has = (tool: string) => spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0;

/** promtool and prometheus, installed from Debian's package when missing and running as root. */
function prometheusTools(): string | null {
  if (has("promtool") && has("prometheus")) return null;
  if (process.getuid?.() === 0) {
    spawnSync("apt-get", ["install", "-y", "prometheus"], {
      stdio: "ignore",
      timeout: 180_000,
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (has("promtool") && has("prometheus")) return null;
  }
  return "promtool/prometheus not found (Debian package `prometheus`; apt-get install -y prometheus)";
}
const missing = prometheusTools();

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const FILES = { "1/hello.ts": "return { hi: 1 };", "1/boom.ts": "throw new Error('boom');" };

test("real requests move monitor/stats, monitor/scripts and the exposition", async () => {
  await using server = await withServer(FILES);
  server.log.expectError(/boom/);
  for (let i = 0; i < 3; i += 1) assert.equal((await request(server, "/hello")).status, 200);
  assert.equal((await request(server, "/boom")).status, 500);
  for (let i = 0; i < 50; i += 1) await request(server, `/scan/${i}`);
  const stats = (await managementCall(server, "GET", "/monitor/stats")).body as {
    requests: { total: number; errors: number; clientErrors: number };
    hosts: { pid: number; mode: string }[];
  };
  assert.deepEqual([stats.requests.total, stats.requests.errors, stats.requests.clientErrors], [
    54,
    1,
    50,
  ]);
  assert.ok(stats.hosts.length >= 1 && stats.hosts.every((h) => h.pid > 0));
  const scripts = (await managementCall(server, "GET", "/monitor/scripts?sort=requests")).body as {
    total: number;
    scripts: {
      scriptPath: string;
      http: { total: number };
      recentErrors: { message: string; executionId: string }[];
    }[];
  };
  assert.deepEqual(
    scripts.scripts.map((s) => [s.scriptPath, s.http.total]),
    [["", 50], ["hello.ts", 3], ["boom.ts", 1]],
  );
  // A recent error says what went wrong, not only its status.
  const [boom] = scripts.scripts.find((s) => s.scriptPath === "boom.ts")!.recentErrors;
  assert.match(boom!.message, /^SCRIPT_ERROR: .*boom/);
  const text = await (await request(server, METRICS)).text();
  assert.match(
    text,
    /hoody_exec_requests_total\{instance="1",script="hello.ts",status_class="2xx"\} 3/,
  );
  assert.match(text, /hoody_exec_requests_total\{instance="1",script="",status_class="4xx"\} 50/);
  assert.doesNotMatch(text, /scan/);
});

test("promtool accepts the exposition; a real Prometheus scrapes it", {
  skip: missing ?? false,
  timeout: 60_000,
}, async () => {
  await using server = await withServer(FILES);
  assert.equal((await request(server, "/hello")).status, 200);
  const text = await (await request(server, METRICS)).text();
  const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  assert.equal(check.status, 0, `promtool: ${check.stdout}${check.stderr}`);
  assert.equal(`${check.stdout}${check.stderr}`.trim(), "");

  const work = mkdtempSync(join(tmpdir(), "hoody-prom-"));
  const port = await freePort();
  writeFileSync(
    join(work, "prometheus.yml"),
    [
      "global:",
      "  scrape_interval: 1s",
      "scrape_configs:",
      "  - job_name: hoody-exec",
      `    metrics_path: ${METRICS}`,
      "    static_configs:",
      `      - targets: ["127.0.0.1:${server.port}"]`,
      "",
    ].join("\n"),
  );
  const prometheus = spawn("prometheus", [
    `--config.file=${join(work, "prometheus.yml")}`,
    `--storage.tsdb.path=${join(work, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ], { stdio: "ignore" });
  try {
    let series: { metric: Record<string, string>; value: [number, string] }[] = [];
    const query = `http://127.0.0.1:${port}/api/v1/query?query=hoody_exec_requests_total`;
    const found = await eventually(async () => {
      try {
        const body = await (await fetch(query)).json() as {
          data?: { result?: typeof series };
        };
        series = body.data?.result ?? [];
        return series.some((s) => s.metric.script === "hello.ts");
      } catch {
        return false;
      }
    }, 30_000);
    assert.ok(found, `no hello.ts series from Prometheus: ${JSON.stringify(series)}`);
    const hello = series.find((s) => s.metric.script === "hello.ts")!;
    assert.equal(hello.metric.status_class, "2xx");
    assert.equal(hello.metric.job, "hoody-exec");
    assert.equal(hello.value[1], "1");
  } finally {
    prometheus.kill("SIGKILL");
    rmSync(work, { recursive: true, force: true });
  }
});
