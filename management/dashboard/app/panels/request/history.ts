/**
 * The last requests sent from the panel, kept in this tab's sessionStorage to re-run. The admin
 * token is never kept: a header holding it is left out.
 */
import { adminToken } from "../../api.ts";
import type { Pair } from "./rows.ts";

const KEY = "hoody-exec.request-history";
export const HISTORY_SIZE = 20;

/** What a request was, to send it again, and how it went. */
export interface Sent {
  method: string;
  path: string;
  query: Pair[];
  headers: Pair[];
  body: string;
  /** The status, or the error that stopped it. */
  outcome: string;
  at: string;
}

export function loadHistory(): Sent[] {
  try {
    const kept = JSON.parse(sessionStorage.getItem(KEY) ?? "[]");
    return Array.isArray(kept) ? kept as Sent[] : [];
  } catch {
    return [];
  }
}

/** Puts `sent` first and keeps the newest HISTORY_SIZE; returns the new list. */
export function remember(history: readonly Sent[], sent: Sent): Sent[] {
  const token = adminToken();
  const safe = {
    ...sent,
    headers: sent.headers.filter(([, value]) => !token || !value.includes(token)),
  };
  const next = [safe, ...history].slice(0, HISTORY_SIZE);
  try {
    sessionStorage.setItem(KEY, JSON.stringify(next));
  } catch {
    // Storage full or refused: the list still lives in memory for this page.
  }
  return next;
}
