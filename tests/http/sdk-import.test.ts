/**
 * SDK import end to end: a local server serves the real Petstore 3 document (its server URL
 * pointed at this fake upstream, which records every call); it is imported into instance `pets`,
 * and calls through hoody-exec reach the upstream with the right method, path, query, headers and
 * body, or are refused by the generated validation.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Body } from "../lib/management-calls.ts";
import { runCli } from "../lib/processes.ts";
import { managementCall, request, suiteServer } from "../lib/server.ts";

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const PETSTORE = readFileSync(new URL("../fixtures/petstore3.yaml", import.meta.url), "utf8");

/** Serves the Petstore document at /openapi.yaml (and an invalid one); records every other call. */
async function startUpstream() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const { port } = server.address() as AddressInfo;
      if (req.url === "/openapi.yaml") {
        res.setHeader("content-type", "application/yaml");
        res.end(PETSTORE.replace(
          "https://petstore3.swagger.io/api/v3",
          `http://127.0.0.1:${port}/api/v3`,
        ));
        return;
      }
      if (req.url === "/without-logout.yaml") {
        // The same document less one path: /user/logout.
        const start = PETSTORE.indexOf("  /user/logout:");
        const end = PETSTORE.indexOf("  /user/{username}:");
        res.setHeader("content-type", "application/yaml");
        res.end(
          (PETSTORE.slice(0, start) + PETSTORE.slice(end)).replace(
            "https://petstore3.swagger.io/api/v3",
            `http://127.0.0.1:${port}/api/v3`,
          ),
        );
        return;
      }
      if (req.url === "/not-openapi.json") {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ openapi: "3.0.0", paths: {} }));
        return;
      }
      if (!req.url?.startsWith("/api/v3/")) {
        res.statusCode = 404;
        res.end("not found");
        return;
      }
      received.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.setHeader("content-type", "application/json");
      res.setHeader("x-upstream", "petstore");
      res.end(JSON.stringify({ upstream: true, id: 7 }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

describe("sdk import: the Petstore document as instance pets", () => {
  // The generated proxy imports zod: a server without registry access finds it installed in the
  // scripts root (docs/sdk-import.md, Offline servers), as here.
  const server = suiteServer((root) => {
    mkdirSync(join(root, "node_modules"), { recursive: true });
    symlinkSync(resolve("node_modules/zod"), join(root, "node_modules", "zod"));
    return { "1/hello.ts": "return 'one';\n" };
  });
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  before(async () => {
    upstream = await startUpstream();
  });
  after(async () => await upstream.close());

  const call = (method: string, path: string, body?: unknown) =>
    managementCall(server, method, path, body);
  const pets = (
    path: string,
    init: { method?: string; body?: string; headers?: Record<string, string> } = {},
  ) => request(server, path, { ...init, host: "exec-pets.localhost" });
  const importPets = (extra: Body = {}) =>
    call("POST", "/sdk/import", {
      execId: "pets",
      source_url: `${upstream.url}/openapi.yaml`,
      source_auth: "Bearer s3cret",
      ...extra,
    });
  const last = () => upstream.received[upstream.received.length - 1]!;

  test("imports one endpoint per path, the proxy, the hooks and a marker", async () => {
    const { status, body } = await importPets();
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.action, "imported");
    assert.equal(body.sdk.id, "pets");
    assert.equal(body.sdk.files.endpoints, 13);
    assert.equal(body.sdk.files.pre, "pets/_sdk/pre.ts");
    assert.equal(body.sdk.files.post, "pets/_sdk/post.ts");
    assert.equal(body.sdk.files.marker, "pets/_sdk.json");
    assert.deepEqual(body.summary, {
      new: body.summary.total,
      updated: 0,
      conflicts: 0,
      total: 13 + 6,
      unchanged: 0,
      removed: 0,
    });
    const root = join(server.dir.root, "pets");
    for (const file of ["pet.ts", "pet/[petId].ts", "pet/[petId]/uploadImage.ts", "_sdk.json"]) {
      assert.ok(existsSync(join(root, file)), file);
    }
    // The credential is in the generated auth file only, never in the marker or the answer.
    assert.doesNotMatch(readFileSync(join(root, "_sdk.json"), "utf8"), /s3cret/);
    assert.doesNotMatch(JSON.stringify(body), /s3cret/);
  });

  test("a GET reaches the upstream with its path, the caller's query and the source_auth header", async () => {
    const response = await pets("/pet/findByStatus?status=sold");
    assert.equal(response.status, 200, await response.clone().text());
    assert.deepEqual(await response.json(), { upstream: true, id: 7 });
    assert.equal(response.headers.get("x-upstream"), "petstore");
    assert.equal(last().method, "GET");
    assert.equal(last().url, "/api/v3/pet/findByStatus?status=sold");
    assert.equal(last().headers.authorization, "Bearer s3cret");
  });

  test("path parameters and a JSON body reach the upstream as sent", async () => {
    const byId = await pets("/pet/12");
    assert.equal(byId.status, 200, await byId.clone().text());
    assert.equal(last().url, "/api/v3/pet/12");
    const pet = { name: "rex", photoUrls: ["a.png"], status: "available" };
    const created = await pets("/pet", {
      method: "POST",
      body: JSON.stringify(pet),
      headers: { "content-type": "application/json" },
    });
    assert.equal(created.status, 200, await created.clone().text());
    assert.equal(last().method, "POST");
    assert.equal(last().url, "/api/v3/pet");
    assert.match(String(last().headers["content-type"]), /^application\/json/);
    assert.deepEqual(JSON.parse(last().body), pet);
    const removed = await pets("/pet/12", { method: "DELETE", headers: { api_key: "k1" } });
    assert.equal(removed.status, 200, await removed.clone().text());
    assert.equal(last().method, "DELETE");
    assert.equal(last().headers.api_key, "k1");
  });

  test("input that breaks the operation's schema is refused with 400 and never sent upstream", async () => {
    const before = upstream.received.length;
    const badId = await pets("/pet/not-a-number");
    assert.equal(badId.status, 400);
    const idBody = await badId.json() as Body;
    assert.equal(idBody.code, "VALIDATION_ERROR");
    assert.equal(idBody.issues[0].name, "petId");
    const badPet = await pets("/pet", {
      method: "POST",
      body: JSON.stringify({ name: 5 }),
      headers: { "content-type": "application/json" },
    });
    assert.equal(badPet.status, 400);
    const names = ((await badPet.json() as Body).issues as Body[]).map((i) => i.name).sort();
    assert.deepEqual(names, ["body.name", "body.photoUrls"]);
    const missing = await pets("/pet", { method: "POST" });
    assert.equal(missing.status, 400);
    const badStatus = await pets("/pet/findByStatus?status=lost");
    assert.equal(badStatus.status, 400);
    const wrongMethod = await pets("/pet", { method: "PATCH" });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get("allow"), "PUT, POST");
    assert.equal(upstream.received.length, before);
  });

  test("/list, sdk/list and sdk/:id report the imported instance", async () => {
    const listed = await call("GET", "/list");
    const entry = (listed.body.execIds as Body[]).find((e) => e.id === "pets");
    assert.equal(entry?.type, "sdk");
    assert.equal(entry?.source_url, `${upstream.url}/openapi.yaml`);
    assert.deepEqual(listed.body.summary, { sdk: 1, custom: 1 });
    const sdks = await call("GET", "/sdk/list");
    assert.equal(sdks.status, 200);
    assert.equal(sdks.body.total, 1);
    assert.deepEqual(sdks.body.sdks[0].middleware, { pre: true, post: true });
    assert.equal(sdks.body.sdks[0].marker, "pets/_sdk.json");
    const one = await call("GET", "/sdk/pets");
    assert.equal(one.status, 200);
    assert.equal(one.body.type, "sdk");
    assert.equal(one.body.files.endpoints, 13);
    assert.equal(one.body.middleware.pre.exists, true);
    assert.match(one.body.middleware.pre.hash, /^[0-9a-f]{64}$/);
    assert.ok((one.body.files.list as Body[]).every((f) => f.exists && !f.edited));
    const none = await call("GET", "/sdk/1");
    assert.equal(none.status, 404);
  });

  test("a re-import keeps a hand-edited file as a conflict; force overwrites it", async () => {
    const again = await importPets();
    assert.equal(again.body.summary.unchanged, again.body.summary.total);
    const file = "pets/pet/[petId].ts";
    const edited = readFileSync(join(server.dir.root, file), "utf8") + "\n// mine\n";
    server.dir.write(file, edited);
    const kept = await importPets();
    assert.equal(kept.status, 200);
    assert.equal(kept.body.summary.conflicts, 1);
    assert.deepEqual(kept.body.conflicts, ["pet/[petId].ts"]);
    assert.equal(readFileSync(join(server.dir.root, file), "utf8"), edited);
    const state = await call("GET", "/sdk/pets");
    const entry = (state.body.files.list as Body[]).find((f) => f.path === "pet/[petId].ts");
    assert.equal(entry?.edited, true);
    const forced = await importPets({ force: true });
    assert.equal(forced.body.summary.conflicts, 0);
    assert.equal(forced.body.summary.updated, 1);
    assert.doesNotMatch(readFileSync(join(server.dir.root, file), "utf8"), /\/\/ mine/);
  });

  test("a path that left the document loses its file on re-import, and comes back with it", async () => {
    const logout = join(server.dir.root, "pets/user/logout.ts");
    const smaller = await importPets({ source_url: `${upstream.url}/without-logout.yaml` });
    assert.equal(smaller.status, 200, JSON.stringify(smaller.body));
    assert.equal(smaller.body.summary.removed, 1);
    assert.equal(smaller.body.sdk.files.endpoints, 12);
    assert.ok(!existsSync(logout));
    const full = await importPets();
    assert.equal(full.body.summary.new, 1);
    assert.ok(existsSync(logout));
  });

  test("the sdks CLI imports, lists and reads back an SDK", async () => {
    const cli = async (...args: string[]) => {
      const run = await runCli(["--url", server.url, ...args, "-o", "json"]).finished();
      assert.equal(run.code, 0, run.stderr);
      return JSON.parse(run.stdout) as Body;
    };
    const imported = await cli(
      "sdks",
      "import",
      `${upstream.url}/openapi.yaml`,
      "--exec-id",
      "pets",
      "--source-auth",
      "Bearer s3cret",
    );
    assert.equal(imported.summary.unchanged, imported.summary.total);
    const listed = await cli("sdks", "list");
    assert.deepEqual(listed.sdks.map((s: Body) => s.id), ["pets"]);
    const one = await cli("sdks", "get", "pets");
    assert.equal(one.source_url, `${upstream.url}/openapi.yaml`);
  });

  test("magic_comments reach every endpoint: @token guards them, and its ?token= stays here", async () => {
    const { body } = await importPets({ magic_comments: "@token t1\n// @timeout 5000" });
    assert.equal(body.summary.updated, 13);
    assert.equal((await pets("/pet/findByStatus?status=sold")).status, 401);
    const allowed = await pets("/pet/findByStatus?status=sold&token=t1");
    assert.equal(allowed.status, 200, await allowed.clone().text());
    assert.equal(last().url, "/api/v3/pet/findByStatus?status=sold");
  });

  test("a bad source is refused with a clear error and writes nothing", async () => {
    const invalid = await call("POST", "/sdk/import", {
      execId: "bad",
      source_url: `${upstream.url}/not-openapi.json`,
    });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.code, "VALIDATION_ERROR");
    assert.match(invalid.body.error, /not a valid OpenAPI/);
    const missing = await call("POST", "/sdk/import", {
      execId: "bad",
      source_url: `${upstream.url}/nothing-here`,
    });
    assert.equal(missing.status, 502);
    assert.equal(missing.body.code, "SOURCE_FETCH_FAILED");
    const self = await call("POST", "/sdk/import", {
      execId: "bad",
      source_url: `http://localhost:${server.port}/api/v1/exec/openapi.json`,
    });
    assert.equal(self.status, 403);
    const notHttp = await call("POST", "/sdk/import", { execId: "bad", source_url: "file:///x" });
    assert.equal(notHttp.status, 400);
    const badHooks = await importPets({ execId: "bad", middleware: "post" });
    assert.equal(badHooks.status, 400);
    assert.equal(badHooks.body.field, "middleware");
    assert.ok(!existsSync(join(server.dir.root, "bad")));
  });

  test("delete removes the generated files, the marker and the emptied instance", async () => {
    const run = await runCli(["--url", server.url, "sdks", "delete", "pets", "-y", "-o", "json"])
      .finished();
    assert.equal(run.code, 0, run.stderr);
    const body = JSON.parse(run.stdout) as Body;
    assert.equal(body.message, "SDK deleted");
    assert.equal(body.removed.files, 13 + 6);
    assert.equal(body.removed.marker, "pets/_sdk.json");
    assert.ok(!existsSync(join(server.dir.root, "pets")));
    assert.equal((await call("GET", "/sdk/list")).body.total, 0);
    assert.equal((await call("DELETE", "/sdk/pets")).status, 404);
  });
});
