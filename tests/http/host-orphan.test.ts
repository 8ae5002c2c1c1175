import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { alive } from "../lib/processes.ts";

const PARENT = fileURLToPath(new URL("../lib/host-parent.ts", import.meta.url));
const CONFIG = fileURLToPath(new URL("../../deno.json", import.meta.url));

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
  const runtimeArgs = "Bun" in globalThis ? [] : ["run", "-A", "--no-check", "--config", CONFIG];
  const parent = spawn(process.execPath, [...runtimeArgs, PARENT, JSON.stringify(setup)], {
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
    for (let i = 0; i < 200 && alive(hostPid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(hostPid), false, "the orphaned host is still running");
  } finally {
    if (hostPid && alive(hostPid)) process.kill(hostPid, "SIGKILL");
    if (parent.exitCode === null) parent.kill("SIGKILL");
    for (const socket of held) socket.destroy();
    listener.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a Worker host whose server ended before its setup exits quietly", async () => {
  const runtimeArgs = "Bun" in globalThis ? [] : ["run", "-A", "--no-check", "--config", CONFIG];
  // An empty setup is what a host reads when its server ends first (it could not listen, say).
  const parent = spawn(process.execPath, [...runtimeArgs, PARENT, ""], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let errors = "";
  parent.stderr!.on("data", (chunk: Buffer) => (errors += String(chunk)));
  let hostPid = 0;
  try {
    hostPid = await new Promise<number>((resolve) =>
      parent.stdout!.on("data", (chunk: Buffer) => resolve(Number(String(chunk).trim())))
    );
    for (let i = 0; i < 200 && alive(hostPid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(hostPid), false, "the host without a setup is still running");
    assert.equal(errors, "", "the host printed an error");
  } finally {
    if (hostPid && alive(hostPid)) process.kill(hostPid, "SIGKILL");
    if (parent.exitCode === null) parent.kill("SIGKILL");
  }
});
