/**
 * What a module's classic-script form (compile/classic-script.ts) starts with, on its first line:
 * strict, as a module is, and in a function of its own, so its names stay its own and its
 * top-level `this` is undefined. A Worker shifts line 1's columns back by its length.
 */
export const CLASSIC_PREFIX = '"use strict";(function () {';
