/** Input fields shared by several endpoints. */
import { z } from "zod";

export const execId = z.string().max(256).optional().describe(
  "Instance (folder under the scripts root); alias exec_id; default the server's default instance",
);

/**
 * The shared-state and cache `hostname`: any host name, mapped to an instance by the Host rule
 * requests follow (`exec-2.example.com` -> 2, any other -> the default instance).
 */
export const hostname = z.string().max(256).optional().describe(
  "Host name whose instance is meant, as a request's Host picks it (exec-2.example.com -> 2; any other -> the default instance)",
);

/** A file below the instance, e.g. api/users/[id].ts. */
export const scriptPath = (description: string) =>
  z.string().min(1).max(4096).describe(description);
