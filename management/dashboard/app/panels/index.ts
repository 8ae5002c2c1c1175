/** The dashboard's tabs, in order. */
import type { Panel } from "../panel.ts";
import { editorPanel } from "./editor.ts";
import { logsPanel } from "./logs.ts";
import { requestPanel } from "./request.ts";
import { routesPanel } from "./routes.ts";
import { statsPanel } from "./stats.ts";

export const PANELS: readonly Panel[] = [
  routesPanel,
  editorPanel,
  requestPanel,
  logsPanel,
  statsPanel,
];
