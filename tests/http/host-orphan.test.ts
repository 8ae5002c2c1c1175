import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { eventually } from "../lib/eventually.ts";
import { alive } from "../lib/processes.ts";

const PARENT = fileURLToPath(new URL("../lib/host-parent.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));
/** How this runtime runs the stand-in server (Deno with the project's config). */
const RUNTIME_ARGS = "Bun" in globalThis ? [] : ["run", "-A", "--no-check", "--config", CONFIG];

test("a Worker host whose server died exits, even while its connection stays open", async () => {
  const dir = mkdtempSync(join(tmpdir(), "hoody-orphan-"));
  // The connection is held open by this test, not by the dying parent: only the parent's death
  // can tell the host to go.
  const held: Socket[] = [];
  let connected!: () => void;
  const hostConnected = new Promise<void>((resolve) => (connected = resolve));
  const listener = createServer((socket) => {
    held.push(socket);
    connected();
  });
  const socketPath = join(dir, "server.sock");
  await new Promise<void>((resolve) => listener.listen(socketPath, resolve));
  const setup = {
    socketPath,
    token: "t",
    workerUrl: "file:///none.js",
    scriptsRoot: dir,
    mode: "worker",
    spawns: [],
  };
  const parent = spawn(process.execPath, [...RUNTIME_ARGS, PARENT, JSON.stringify(setup)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let hostPid = 0;
  try {
    hostPid = await new Promise<number>((resolve) =>
      parent.stdout!.on("data", (chunk: Buffer) => resolve(Number(String(chunk).trim())))
    );
    await hostConnected;
    process.kill(parent.pid!, "SIGKILL");
    // Bounded polling, not a timing assertion: the host checks its parent once a second.
    const gone = await eventually(() => Promise.resolve(!alive(hostPid)), 10_000);
    assert.equal(gone, true, "the orphaned host is still running");
  } finally {
    if (hostPid && alive(hostPid)) process.kill(hostPid, "SIGKILL");
    if (parent.exitCode === null) parent.kill("SIGKILL");
    for (const socket of held) socket.destroy();
    listener.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a Worker host whose server ended before its setup exits quietly", async () => {
  // An empty setup is what a host reads when its server ends first (it could not listen, say).
  const parent = spawn(process.execPath, [...RUNTIME_ARGS, PARENT, ""], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let errors = "";
  parent.stderr!.on("data", (chunk: Buffer) => (errors += String(chunk)));
  let hostPid = 0;
  try {
    hostPid = await new Promise<number>((resolve) =>
      parent.stdout!.on("data", (chunk: Buffer) => resolve(Number(String(chunk).trim())))
    );
    const gone = await eventually(() => Promise.resolve(!alive(hostPid)), 10_000);
    assert.equal(gone, true, "the host without a setup is still running");
    assert.equal(errors, "", "the host printed an error");
  } finally {
    if (hostPid && alive(hostPid)) process.kill(hostPid, "SIGKILL");
    if (parent.exitCode === null) parent.kill("SIGKILL");
  }
});
