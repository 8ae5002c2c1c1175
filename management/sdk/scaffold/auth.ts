/**
 * The shape of `_sdk/auth.ts`, which SDK import writes from `source_auth`: the header pre.ts adds
 * to every upstream call (null without source_auth).
 */
export const AUTH: [string, string] | null = null;
