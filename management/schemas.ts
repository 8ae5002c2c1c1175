/** Input fields shared by several endpoints. */
import { z } from "zod";

export const execId = z.string().max(256).optional().describe(
  "Instance (folder under the scripts root); alias exec_id; default the server's default instance",
);

/** SPEC §11's `hostname`: here the instance id whose `shared` is meant. */
export const hostname = z.string().min(1).max(256).optional().describe(
  "Instance id whose shared state is meant (default: the default instance)",
);
