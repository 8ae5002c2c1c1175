/** The dashboard's tabs, in order. */
import type { Panel } from "../panel.ts";
import { routesPanel } from "./routes.ts";
import { logsPanel } from "./logs.ts";

export const PANELS: readonly Panel[] = [
  routesPanel,
  logsPanel,
];
