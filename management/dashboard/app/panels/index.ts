/** The dashboard's tabs, in order. */
import type { Panel } from "../panel.ts";
import { routesPanel } from "./routes.ts";
import { editorPanel } from "./editor.ts";

export const PANELS: readonly Panel[] = [
  routesPanel,
  editorPanel,
];
