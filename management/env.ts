/** What the front hands every management request beside the Request itself. */
export interface ManagementEnv {
  Bindings: { clientIp: string };
}
