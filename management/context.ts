import type { ServerControl } from "../runtime/control.ts";

/** Everything the management API may touch in the running server (built by runtime/serve.ts). */
export type ManagementContext = ServerControl;
