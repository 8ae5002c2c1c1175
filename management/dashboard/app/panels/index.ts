/** The dashboard's tabs, in order. */
import type { Panel } from "../panel.ts";
import { logsPanel } from "./logs.ts";
import { requestPanel } from "./request.ts";
import { routesPanel } from "./routes.ts";
import { statsPanel } from "./stats.ts";

export const PANELS: readonly Panel[] = [
  routesPanel,
  requestPanel,
  logsPanel,
  statsPanel,
];
