import type { Adapter } from "./types.ts";

/** Picks the adapter for the runtime we are on; each module is only loaded on its own runtime. */
export async function getAdapter(): Promise<Adapter> {
  if ("Bun" in globalThis) return (await import("./bun.ts")).bunAdapter;
  if ("Deno" in globalThis) return (await import("./deno.ts")).denoAdapter;
  throw new Error("hoody-exec runs on Bun or Deno (use `hoody-exec serve --runtime bun|deno`)");
}
