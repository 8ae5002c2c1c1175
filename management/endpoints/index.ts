/**
 * Every management endpoint, one file per resource: the app, the OpenAPI document and the CLI read
 * this list. Each takes `subdomain` (docs/management.md, Conventions).
 */
import { type Endpoint, withSubdomain } from "../endpoint.ts";
import { DEPENDENCY_ENDPOINTS } from "./dependencies.ts";
import { INSTANCE_ENDPOINTS } from "./instances.ts";
import { LOG_ENDPOINTS } from "./logs.ts";
import { MAGIC_COMMENT_ENDPOINTS } from "./magic-comments.ts";
import { MONITOR_ENDPOINTS } from "./monitor.ts";
import { PACKAGE_ENDPOINTS } from "./packages.ts";
import { ROUTE_ENDPOINTS } from "./routes.ts";
import { SDK_ENDPOINTS } from "./sdk.ts";
import { SCRIPT_ENDPOINTS } from "./scripts.ts";
import { SHARED_STATE_ENDPOINTS } from "./shared-state.ts";
import { SYSTEM_ENDPOINTS } from "./system.ts";
import { TEMPLATE_ENDPOINTS } from "./templates.ts";
import { VALIDATE_ENDPOINTS } from "./validate.ts";
import { VERSION_ENDPOINTS } from "./versions.ts";
import { USER_OPENAPI_ENDPOINTS } from "./user-openapi.ts";
import { SCHEDULE_ENDPOINTS } from "./schedules.ts";
import { PROXY_HOOK_ENDPOINTS } from "./proxy-hooks.ts";

export const ENDPOINTS: readonly Endpoint[] = [
  ...SYSTEM_ENDPOINTS,
  ...MONITOR_ENDPOINTS,
  ...INSTANCE_ENDPOINTS,
  ...SCRIPT_ENDPOINTS,
  ...ROUTE_ENDPOINTS,
  ...MAGIC_COMMENT_ENDPOINTS,
  ...SHARED_STATE_ENDPOINTS,
  ...DEPENDENCY_ENDPOINTS,
  ...PACKAGE_ENDPOINTS,
  ...VALIDATE_ENDPOINTS,
  ...LOG_ENDPOINTS,
  ...TEMPLATE_ENDPOINTS,
  ...VERSION_ENDPOINTS,
  ...USER_OPENAPI_ENDPOINTS,
  ...SDK_ENDPOINTS,
  ...SCHEDULE_ENDPOINTS,
  ...PROXY_HOOK_ENDPOINTS,
].map(withSubdomain);
