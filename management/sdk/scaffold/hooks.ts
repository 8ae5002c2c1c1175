/**
 * The shape of `_sdk/hooks.ts`, which SDK import writes from `middleware`: the hooks the proxy
 * runs (a hook left out is `undefined`).
 */
export { default as pre } from "./pre.ts";
export { default as post } from "./post.ts";
