// `npm run bench`: hoody-exec against each runtime's raw serve, in the same run, on both runtimes.
// Reports (never fails on) req/s, p50, p99 and the median per-round ratio to the raw baseline;
// the logging cost as the median of alternated pairs of its two scripts; then first response after
// start with 1,000 scripts, RSS with 1,000 worker-mode scripts loaded, and how long an edit takes
// to be served. Writes bench/results.json.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import http from "node:http";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findRuntime, serverEnv } from "../bin/runtimes.mjs";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** Paced requests to each of ours, reference B and raw serve, one every 50 ms each (after 10 dropped). */
const PACED_REQUESTS = 100;
/** Alternated pairs of the logging scenarios (issue 12's ratio), 2 s each. */
const PAIRS = Number(process.env.BENCH_PAIRS ?? 21); // odd: the median is a middle pair
const PAIR_SECONDS = 2;
const CONNECTIONS = 50;
const RUNTIMES = (process.env.BENCH_RUNTIMES ?? "bun,deno").split(",");
// Server (and its Worker hosts) on one core, wrk on the other (docs/operations.md, How to measure).
const SERVER_CORE = "0";
// The spawn floor is measured on the cores the server's hosts may use.
const SERVER_CORES = [SERVER_CORE];
const WRK_CORE = String(Math.min(1, cpus().length - 1));
// BENCH_ONLY="worker-mode hello with logging off,worker-mode hello that logs": just those scenarios
// (and the raw baseline), no references, no start/RSS/edit measures.
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(",") : null;
const LOGGING = "worker-mode hello that logs";
const LOGGING_OFF = "worker-mode hello with logging off";

/** ../shared/perf-reference, when it sits beside this checkout (startReferences). */
const REFERENCE_DIR = join(ROOT, "..", "shared", "perf-reference");
const REFERENCE_B = "reference B: fresh Worker per request (host, stock 2)";
const SERVERLESS = "serverless hello";
const FLOOR = "reference floor: bare fresh Workers";
const REFERENCE_B_ARGS = ["serverless/server.ts", "host", "2"];

ensureWrk();
const work = mkdtempSync(join(tmpdir(), "hoody-exec-bench-"));
const results = {
  machine: machine(),
  rounds: ROUNDS,
  seconds: SECONDS,
  connections: CONNECTIONS,
  runtimes: {},
};
try {
  for (const runtime of RUNTIMES) results.runtimes[runtime] = await benchRuntime(runtime);
} finally {
  rmSync(work, { recursive: true, force: true });
}
writeFileSync(join(ROOT, "bench", "results.json"), JSON.stringify(results, null, 2) + "\n");
printTable(results);

async function benchRuntime(runtime) {
  const exec = findRuntime(runtime);
  const root = join(work, runtime);
  writeScripts(root);
  const raw = await start(runtime, exec, rawServe(runtime), 19501);
  const server = await start(runtime, exec, hoody(runtime, root, 19502), 19502);
  const all = {
    "worker-mode hello": "/hello",
    [LOGGING_OFF]: "/hello-quiet",
    [LOGGING]: "/hello-logs",
    [SERVERLESS]: "/sl",
    "route among 10,000 files": "/routes/d42/item-77",
    "not found (404)": "/missing/path",
    "script importing a package": "/pkg",
  };
  const scenarios = Object.fromEntries(
    Object.entries(all).filter(([name]) => !ONLY || ONLY.includes(name)),
  );
  const references = ONLY ? {} : await startReferences(runtime, exec);
  const rounds = [];
  let loggingPairs = [];
  try {
    for (const path of Object.values(scenarios)) await get(server.port, path); // compile and warm
    // The rounds begin once the server has settled: the start's own work (the scan of the root's
    // 11,000 files for schedules, the management API's load, the compiler's WebAssembly tier-up)
    // takes seconds of CPU on Deno, on the core raw serve's first round shares (raw Deno once
    // measured 18,323 req/s there, against 64,500 and 56,216 in the next rounds).
    await quiet(server.pid);
    for (let round = 0; round < ROUNDS; round++) {
      const baseline = wrk(raw.port, "/");
      const row = { baseline };
      for (const [name, path] of Object.entries(scenarios)) {
        row[name] = wrk(server.port, path);
        // The floor right after the line held to it: the machine's speed drifts within a round.
        if (name === SERVERLESS && !ONLY) row[FLOOR] = await spawnFloor(exec, runtime);
      }
      for (const [name, reference] of Object.entries(references)) {
        row[name] = wrk(reference.port, "/");
      }
      rounds.push(row);
      process.stderr.write(
        `${runtime} round ${round + 1}/${ROUNDS}: raw ${baseline.rps.toFixed(0)} req/s\n`,
      );
    }
    if (scenarios[LOGGING] && scenarios[LOGGING_OFF]) {
      loggingPairs = alternate(server.port, scenarios[LOGGING_OFF], scenarios[LOGGING]);
    }
  } finally {
    raw.stop();
    server.stop();
    for (const reference of Object.values(references)) reference.stop();
  }
  const summary = {};
  const measured = Object.keys(rounds[0] ?? {});
  for (const name of measured) {
    const runs = rounds.map((r) => r[name]);
    summary[name] = {
      rps: median(runs.map((r) => r.rps)),
      servedRps: median(runs.map((r) => r.servedRps)),
      p50Ms: median(runs.map((r) => r.p50Ms)),
      p99Ms: median(runs.map((r) => r.p99Ms)),
      ratio: median(rounds.map((r) => r[name].rps / r.baseline.rps)),
      timeouts: runs.reduce((sum, r) => sum + r.timeouts, 0),
      errors: runs.reduce((sum, r) => sum + r.errors, 0),
    };
  }
  if (loggingPairs.length > 0) {
    // Issue 12's cost: a console line and an access line per request (the default level) against
    // logging disabled (@log-level none), as the median of the alternated pairs.
    summary.loggingPairs = loggingPairs;
    summary.loggingRatio = median(loggingPairs);
  }
  if (ONLY) return summary;
  // Each round's serverless rate over the floor measured right after it, the median of the rounds.
  const overFloor = (name) =>
    median(rounds.map((r) => r[FLOOR].rps > 0 ? (r[name]?.servedRps ?? 0) / r[FLOOR].rps : 0));
  summary.floorRatios = {
    ours: overFloor(SERVERLESS),
    referenceB: references[REFERENCE_B] ? overFloor(REFERENCE_B) : null,
  };
  summary["serverless hello, 1 connection"] = await oneConnection(runtime, exec, root);
  const pacedPair = await paced(runtime, exec, root);
  summary["serverless hello, paced 20 req/s"] = pacedPair.ours;
  summary["raw serve, paced 20 req/s"] = pacedPair.raw;
  if (pacedPair.reference) summary["reference B, paced 20 req/s"] = pacedPair.reference;
  summary.firstResponse = await firstResponse(runtime, exec, root);
  summary.rssMbWith1000WorkerScripts = await rssWith1000(runtime, exec, root);
  summary.editServedMs = await editLatency(runtime, exec, root);
  return summary;
}

function writeScripts(root) {
  const write = (path, text) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write("1/hello.ts", `// @mode worker\nreturn { hello: "world" };\n`);
  write("1/hello-quiet.ts", `// @mode worker\n// @log-level none\nreturn { hello: "world" };\n`);
  write(
    "1/hello-logs.ts",
    `// @mode worker\nconsole.log("hello", 1);\nreturn { hello: "world" };\n`,
  );
  write("1/sl.ts", `// @mode serverless\nreturn { hello: "world" };\n`);
  write(
    "1/pkg.ts",
    `// @mode worker\nimport { double } from "bench-pkg";\nreturn { value: double(21) };\n`,
  );
  write(
    "node_modules/bench-pkg/package.json",
    JSON.stringify({ name: "bench-pkg", version: "1.0.0", type: "module", main: "index.js" }),
  );
  write("node_modules/bench-pkg/index.js", "export const double = (n) => n * 2;\n");
  for (let d = 0; d < 100; d++) {
    for (let i = 0; i < 100; i++) {
      write(`1/routes/d${d}/item-${i}.ts`, `// @mode worker\nreturn { d: ${d}, i: ${i} };\n`);
    }
  }
  for (let i = 0; i < 1000; i++) write(`2/s${i}.ts`, `// @mode worker\nreturn { script: ${i} };\n`);
  write("3/hello.ts", `// @mode worker\nreturn "v0";\n`);
}

/**
 * The reference servers of ../shared/perf-reference (when it sits beside this checkout), measured
 * in the same rounds. Reference A, the card's bare channel (a unix socket to a Worker in a host
 * process) and the same with the five per-request steps of a real runtime, is the floor worker
 * mode is held to; reference B, a stock of two fresh Workers in a host process behind the same
 * socket, one per request, is the card's serverless shape with nothing else in it.
 */
async function startReferences(runtime, exec) {
  if (!existsSync(REFERENCE_DIR)) {
    process.stderr.write(`no ${REFERENCE_DIR}: the references are left out\n`);
    return {};
  }
  const variants = {
    "reference A: bare channel": ["worker-mode/server.ts", "base"],
    "reference A: + five per-request steps": ["worker-mode/server.ts", "fast"],
    [REFERENCE_B]: REFERENCE_B_ARGS,
  };
  const started = {};
  for (const [name, args] of Object.entries(variants)) {
    started[name] = await startReference(runtime, exec, args);
  }
  return started;
}

/** One reference server, pinned like ours; resolves once it says on which port it listens. */
async function startReference(runtime, exec, [file, ...rest]) {
  const server = join(REFERENCE_DIR, file);
  const args = runtime === "bun" ? [server, ...rest] : ["run", "-A", server, ...rest];
  const child = spawn("taskset", ["-c", SERVER_CORE, exec, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const ready = /READY (\d+)/.exec(out);
      if (ready) resolve(Number(ready[1]));
    });
    child.on("exit", (code) => reject(new Error(`${file} ${rest.join(" ")} exited (${code})`)));
  });
  return { port, pid: child.pid, stop: () => child.kill("SIGTERM") };
}

/** A process to start: its arguments after the runtime's executable, and its environment. */
function rawServe(runtime) {
  const file = join(work, "raw.ts");
  writeFileSync(
    file,
    `
const body = JSON.stringify({ hello: "world" });
const headers = { "content-type": "application/json", "x-bench-pid": String(process.pid) };
const port = Number(process.env.PORT);
if ("Bun" in globalThis) Bun.serve({ hostname: "127.0.0.1", port, fetch: () => new Response(body, { headers }) });
else Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, () => new Response(body, { headers }));
`,
  );
  return { args: runtime === "bun" ? [file] : ["run", "-A", file], env: process.env };
}

/** Our server, started as the launcher starts it (bin/runtimes.mjs, `serverEnv`). */
function hoody(runtime, root, port) {
  const main = join(ROOT, "main.ts");
  const args = ["serve", "--root", root, "--port", String(port), "--quiet"];
  return {
    args: runtime === "bun"
      ? [main, ...args]
      : ["run", "-A", "--no-check", "--config", join(ROOT, "deno.json"), main, ...args],
    env: serverEnv(runtime),
  };
}

/** Starts a server pinned to its core and waits until the process we started is the one answering. */
async function start(runtime, exec, { args, env }, port) {
  const child = spawn("taskset", ["-c", SERVER_CORE, exec, ...args], {
    env: { ...env, PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const stop = () => child.kill("SIGTERM");
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const pid = await answeringPid(port);
    if (pid === child.pid) return { port, pid, stop };
    if (pid !== null) {
      stop();
      throw new Error(
        `port ${port} is answered by pid ${pid}, not by the ${runtime} server we started (${child.pid})`,
      );
    }
    await sleep(50);
  }
  stop();
  throw new Error(`the ${runtime} server on port ${port} did not start`);
}

async function answeringPid(port) {
  try {
    const raw = await fetch(`http://127.0.0.1:${port}/`);
    const header = raw.headers.get("x-bench-pid");
    await raw.arrayBuffer();
    if (header) return Number(header);
    const health = await (await fetch(`http://127.0.0.1:${port}/api/v1/exec/health`)).json();
    return health.pid;
  } catch {
    return null;
  }
}

function wrk(port, path, connections = CONNECTIONS, seconds = SECONDS) {
  const url = `http://127.0.0.1:${port}${path}`;
  spawnSync("taskset", ["-c", WRK_CORE, "wrk", "-t1", `-c${connections}`, "-d1s", url]); // warm-up
  const out = execFileSync("taskset", [
    "-c",
    WRK_CORE,
    "wrk",
    "-t1",
    `-c${connections}`,
    `-d${seconds}s`,
    "--latency",
    url,
  ], {
    encoding: "utf8",
  });
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const refused = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  return {
    rps,
    // wrk's rate counts every answer; a 503 shed is not a request served.
    servedRps: Math.max(0, rps - refused / seconds),
    p50Ms: latency(out, "50%"),
    p99Ms: latency(out, "99%"),
    timeouts: Number(socket?.[4] ?? 0),
    errors: refused + (socket ? Number(socket[1]) + Number(socket[2]) + Number(socket[3]) : 0),
  };
}

function latency(out, label) {
  const match = new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)`).exec(out);
  if (!match) return null;
  const value = Number(match[1]);
  return match[2] === "us" ? value / 1000 : match[2] === "s" ? value * 1000 : value;
}

async function oneConnection(runtime, exec, root) {
  const server = await start(runtime, exec, hoody(runtime, root, 19503), 19503);
  try {
    await get(server.port, "/sl");
    const result = wrk(server.port, "/sl", 1);
    return { rps: result.rps, p50Ms: result.p50Ms, p99Ms: result.p99Ms };
  } finally {
    server.stop();
  }
}

/**
 * Latency when requests come with gaps (one every 50 ms to each server), as real traffic does: a
 * warm Worker holding the script is then waiting, which wrk's closed loop never lets happen. Ours,
 * reference B (the card's serverless shape with nothing else in it) and raw serve are paced in
 * turn, evenly apart, over the same seconds: the machine's speed drifts (other jobs share it), and
 * a target against raw serve's p50 must meet all three in the same weather.
 */
async function paced(runtime, exec, root) {
  const raw = await start(runtime, exec, rawServe(runtime), 19509);
  const ours = await start(runtime, exec, hoody(runtime, root, 19508), 19508);
  const reference = existsSync(REFERENCE_DIR)
    ? await startReference(runtime, exec, REFERENCE_B_ARGS)
    : null;
  try {
    // From a ready stock, as a light load meets a running server: the first request starts the
    // serverless host, and a second after start the schedules' scan and the management API's load
    // (seconds of CPU with this root's 10,000 files on Deno) are start-up, not a request's latency.
    const servers = [["ours", ours.port, "/sl"], ["raw", raw.port, "/"]];
    if (reference) servers.push(["reference", reference.port, "/"]);
    for (const [, port, path] of servers) await get(port, path);
    await quiet(ours.pid);
    const times = Object.fromEntries(servers.map(([name]) => [name, []]));
    const gap = 50 / servers.length;
    for (let i = 0; i < PACED_REQUESTS + 10; i++) {
      for (const [name, port, path] of servers) {
        const started = performance.now();
        await get(port, path);
        if (i >= 10) times[name].push(performance.now() - started);
        await sleep(Math.max(0, gap - (performance.now() - started)));
      }
    }
    return {
      ours: latencies(times.ours),
      raw: latencies(times.raw),
      reference: reference ? latencies(times.reference) : null,
    };
  } finally {
    ours.stop();
    raw.stop();
    reference?.stop();
  }
}

function latencies(times) {
  times.sort((a, b) => a - b);
  const at = (q) => Number(times[Math.floor(q * (times.length - 1))].toFixed(2));
  return { rps: null, p50Ms: at(0.5), p99Ms: at(0.99) };
}

/**
 * The floor of "a fresh Worker per request" on this machine, in each round: a runtime process
 * per core (pinned like the server), each spawning a tiny Worker, waiting for it to answer one
 * message and terminating it, two at a time, for a few seconds. Spawns per second, all cores.
 */
function spawnFloor(exec, runtime) {
  const file = join(work, "spawn-floor.ts");
  writeFileSync(join(work, "tiny-worker.js"), "self.onmessage = () => postMessage(1);\n");
  writeFileSync(
    file,
    `
const url = new URL("./tiny-worker.js", import.meta.url);
const end = performance.now() + ${SECONDS * 1000};
let spawns = 0;
async function lane() {
  while (performance.now() < end) {
    const worker = new Worker(url, { type: "module" });
    await new Promise((resolve) => { worker.onmessage = resolve; worker.postMessage(0); });
    worker.terminate();
    spawns += 1;
  }
}
await Promise.all([lane(), lane()]);
console.log(spawns / ${SECONDS});
`,
  );
  const args = runtime === "bun" ? [file] : ["run", "-A", file];
  const rates = SERVER_CORES.map((core) =>
    spawn("taskset", ["-c", core, exec, ...args], { stdio: ["ignore", "pipe", "inherit"] })
  ).map((child) =>
    new Promise((resolve) => {
      let out = "";
      child.stdout.on("data", (chunk) => (out += chunk));
      child.on("exit", () => resolve(Number(out.trim()) || 0));
    })
  );
  return Promise.all(rates).then((all) => {
    const rps = all.reduce((a, b) => a + b, 0);
    return { rps, servedRps: rps, p50Ms: null, p99Ms: null, timeouts: 0, errors: 0 };
  });
}

/**
 * Spawn to the first 200, median of 5 starts each: ours from one of 1,000 scripts (the compile
 * cache warm from an earlier start); reference A, the card's shape with nothing in it (its server
 * answers once its host process and that host's Worker are up); raw serve.
 */
async function firstResponse(runtime, exec, root) {
  const reference = join(ROOT, "..", "shared", "perf-reference", "worker-mode", "server.ts");
  const referenceA = {
    args: runtime === "bun" ? [reference, "fast"] : ["run", "-A", reference, "fast"],
    env: process.env,
  };
  const starts = async (launch, options) => {
    const times = [];
    for (let i = 0; i < 5; i++) times.push(await firstAnswer(exec, launch, options));
    return Math.round(median(times));
  };
  await firstAnswer(exec, hoody(runtime, root, 19504), { port: 19504, path: "/s500" });
  return {
    ms: await starts(hoody(runtime, root, 19505), { port: 19505, path: "/s500" }),
    referenceMs: existsSync(reference) ? await starts(referenceA, {}) : null,
    rawMs: await starts(rawServe(runtime), { port: 19510 }),
  };
}

/** Spawn to the first 200 at `path`, on the given port or the one the child prints as "READY <port>". */
async function firstAnswer(exec, { args, env }, { port = null, path = "/" }) {
  const started = performance.now();
  const child = spawn(exec, args, {
    env: { ...env, PORT: String(port ?? 0) },
    stdio: ["ignore", "pipe", "ignore"],
  });
  let at = port;
  let out = "";
  child.stdout.on("data", (chunk) => {
    out += chunk;
    at ??= Number(/READY (\d+)/.exec(out)?.[1] ?? 0) || null;
  });
  try {
    while (performance.now() - started < 60_000 && child.exitCode === null) {
      const answer = at === null ? null : await get(at, path, "exec-2.localhost").catch(() => null);
      if (answer?.status === 200) return performance.now() - started;
      await sleep(2);
    }
    throw new Error(`${args.join(" ")} gave no 200 at ${path} (exit code ${child.exitCode})`);
  } finally {
    child.kill("SIGTERM");
    await sleep(300);
  }
}

async function rssWith1000(runtime, exec, root) {
  const server = await start(runtime, exec, hoody(runtime, root, 19506), 19506);
  try {
    for (let i = 0; i < 1000; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, k) => get(server.port, `/s${i + k}`, "exec-2.localhost")),
      );
    }
    return Math.round(treeRss(server.pid) / 1024);
  } finally {
    server.stop();
  }
}

async function editLatency(runtime, exec, root) {
  const server = await start(runtime, exec, hoody(runtime, root, 19507), 19507);
  const times = [];
  try {
    await sleep(1500); // the watcher arms a second after start
    for (let version = 1; version <= 5; version++) {
      await get(server.port, "/hello", "exec-3.localhost");
      const written = performance.now();
      writeFileSync(join(root, "3/hello.ts"), `// @mode worker\nreturn "v${version}";\n`);
      while (String(await get(server.port, "/hello", "exec-3.localhost")) !== `v${version}`) {
        await sleep(1);
      }
      times.push(performance.now() - written);
    }
    return Number(median(times).toFixed(1));
  } finally {
    server.stop();
  }
}

/** Once a process and its descendants use under 5% of a core for half a second (at most 30 s). */
async function quiet(pid) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const before = treeCpuMs(pid);
    await sleep(500);
    if (treeCpuMs(pid) - before < 25) return;
  }
}

/** A process and all its descendants (server, Worker hosts). */
function processTree(pid) {
  const children = spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).stdout.split("\n")
    .filter(Boolean);
  return [pid, ...children.flatMap((child) => processTree(Number(child)))];
}

/** CPU time in ms of a process tree, from /proc (clock ticks of 10 ms; a process gone counts 0). */
function treeCpuMs(pid) {
  return processTree(pid).reduce((sum, each) => {
    try {
      const fields = readFileSync(`/proc/${each}/stat`, "utf8").split(") ")[1].split(" ");
      return sum + (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return sum; // gone since pgrep listed it
    }
  }, 0);
}

/** RSS in KiB of a process tree. */
function treeRss(pid) {
  return processTree(pid).reduce((sum, each) => {
    const status = readFileSync(`/proc/${each}/status`, "utf8");
    return sum + Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }, 0);
}

/** GET over node:http, which (unlike fetch) sends the Host header that selects an instance. */
function get(port, path, host) {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: "127.0.0.1", port, path, headers: host ? { host } : {} },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve(Object.assign(text, { status: response.statusCode })));
      },
    );
    request.on("error", reject);
  });
}

function ensureWrk() {
  if (spawnSync("wrk", ["--version"]).error === undefined) return;
  process.stderr.write("installing wrk (Debian package)\n");
  const apt = (...args) => spawnSync("apt-get", args, { stdio: "inherit" });
  apt("update", "-qq");
  apt("install", "-y", "-qq", "wrk");
  if (spawnSync("wrk", ["--version"]).error !== undefined) {
    throw new Error("wrk is needed: apt-get install wrk");
  }
}

function machine() {
  const version = (runtime) =>
    execFileSync(findRuntime(runtime), ["--version"], { encoding: "utf8" }).split("\n")[0];
  return { cpus: cpus().length, cpu: cpus()[0]?.model, bun: version("bun"), deno: version("deno") };
}

/**
 * b's req/s over a's in PAIRS back-to-back pairs of 2 s on one server, each pair's ratio: for two
 * near-identical scripts, whose difference (a few percent) is smaller than the machine's drift
 * between the rounds above (as bench/ab.mjs measures it). The order turns each pair (ab, ba, ab,
 * ...), so neither script always runs right after the other (and its log writer's last batch).
 */
function alternate(port, a, b) {
  const ratios = [];
  for (let i = 0; i < PAIRS; i++) {
    const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
    const one = wrk(port, first, CONNECTIONS, PAIR_SECONDS).rps;
    const two = wrk(port, second, CONNECTIONS, PAIR_SECONDS).rps;
    ratios.push(i % 2 === 0 ? two / one : one / two);
  }
  return ratios;
}

function median(values) {
  const sorted = values.filter((v) => v !== null).sort((a, b) => a - b);
  return sorted.length === 0 ? null : sorted[Math.floor(sorted.length / 2)];
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function printTable({ runtimes }) {
  const lines = [
    "",
    "| runtime | scenario | req/s | p50 ms | p99 ms | ratio to raw |",
    "|---|---|---:|---:|---:|---:|",
  ];
  for (const [runtime, summary] of Object.entries(runtimes)) {
    for (const [name, row] of Object.entries(summary)) {
      // loggingPairs and floorRatios: in the targets; firstResponse: its own rows below.
      if (typeof row !== "object" || Array.isArray(row) || !("rps" in row)) continue;
      const fmt = (v, d = 2) => (v === null || v === undefined ? "" : v.toFixed(d));
      lines.push(
        `| ${runtime} | ${name} | ${fmt(row.rps, 0)} | ${fmt(row.p50Ms)} | ${fmt(row.p99Ms)} | ${
          fmt(row.ratio)
        } |`,
      );
    }
    if (ONLY) continue;
    const first = summary.firstResponse;
    lines.push(`| ${runtime} | first response after start, 1,000 scripts | | ${first.ms} | | |`);
    if (first.referenceMs !== null) {
      lines.push(
        `| ${runtime} | first response after start, reference A | | ${first.referenceMs} | | |`,
      );
    }
    lines.push(`| ${runtime} | first response after start, raw serve | | ${first.rawMs} | | |`);
    lines.push(
      `| ${runtime} | RSS with 1,000 worker-mode scripts loaded | ${summary.rssMbWith1000WorkerScripts} MiB | | | |`,
    );
    lines.push(`| ${runtime} | edit to served | | ${summary.editServedMs} | | |`);
  }
  lines.push("", "| runtime | target | measured | met |", "|---|---|---|---|");
  for (const [runtime, summary] of Object.entries(runtimes)) {
    for (const [target, measured, met] of targets(runtime, summary)) {
      lines.push(`| ${runtime} | ${target} | ${measured} | ${met ? "met" : "missed"} |`);
    }
  }
  process.stdout.write(lines.join("\n") + "\n");
}

/** The targets of the hot-path issue (#10), each with what this run measured. */
function targets(runtime, s) {
  const logging = s.loggingRatio === undefined ? [] : [[
    "worker-mode hello that logs a line >= 0.9x the same with logging off",
    `${s.loggingRatio.toFixed(4)}x (median of ${s.loggingPairs.length} alternated pairs: ${
      s.loggingPairs.map((r) => r.toFixed(2)).join(" ")
    })`,
    s.loggingRatio >= 0.9,
  ]];
  if (ONLY) return logging;
  const worker = s["worker-mode hello"];
  const serverless = s[SERVERLESS];
  const floor = s[FLOOR];
  const paced = s["serverless hello, paced 20 req/s"];
  const rawPaced = s["raw serve, paced 20 req/s"];
  const referencePaced = s["reference B, paced 20 req/s"];
  const workerGoal = runtime === "bun" ? 0.65 : 0.45;
  const reference = s["reference A: + five per-request steps"];
  const channel = s["reference A: bare channel"];
  const floorNote = reference && channel
    ? ` (reference A, same run: bare channel ${channel.ratio.toFixed(2)}x, with the five steps ${
      reference.ratio.toFixed(2)
    }x)`
    : "";
  const pacedSlack = runtime === "bun" ? 1 : 3;
  const { ours: floorRatio, referenceB } = s.floorRatios;
  const stock = s[REFERENCE_B];
  const stockNote = stock && referenceB !== null
    ? ` (reference B, same rounds: ${stock.rps.toFixed(0)} served, ${referenceB.toFixed(2)}x)`
    : "";
  return [
    [
      `worker-mode hello >= ${workerGoal}x raw`,
      `${worker.ratio.toFixed(2)}x${floorNote}`,
      worker.ratio >= workerGoal,
    ],
    [
      "serverless c50 >= 0.8x the bare fresh-Worker rate",
      `${floorRatio.toFixed(2)}x, the median of the rounds' (${
        serverless.servedRps.toFixed(0)
      } served, a floor of ${floor.rps.toFixed(0)})${stockNote}`,
      floorRatio >= 0.8,
    ],
    [
      "serverless c50: no timeouts, no errors",
      `${serverless.timeouts} timeouts, ${serverless.errors} errors`,
      serverless.timeouts === 0 && serverless.errors === 0,
    ],
    [
      `serverless paced p50 <= raw paced p50 + ${pacedSlack} ms`,
      `${paced.p50Ms} vs ${rawPaced.p50Ms} ms${
        referencePaced ? ` (reference B, same run: ${referencePaced.p50Ms} ms)` : ""
      }`,
      paced.p50Ms <= rawPaced.p50Ms + pacedSlack,
    ],
    [
      "first response <= 100 ms after start, 1,000 scripts",
      `${s.firstResponse.ms} ms (same run: ${
        s.firstResponse.referenceMs === null
          ? ""
          : `reference A ${s.firstResponse.referenceMs} ms, `
      }raw serve ${s.firstResponse.rawMs} ms)`,
      s.firstResponse.ms <= 100,
    ],
    ...logging,
  ];
}
