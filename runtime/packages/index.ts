/** What the server needs from the packages side: one function, wired in runtime/serve.ts. */
import { ServerError } from "../errors.ts";
import { type Installer, InstallError } from "./installer.ts";

/**
 * `ensurePackages` for the script loader (docs/scripts.md, Packages): a script's missing packages
 * are installed before its first run; a failed install answers 500 `INSTALL_FAILED` with the
 * installer's message.
 */
export function ensurePackagesWith(installer: Installer): (names: string[]) => Promise<void> {
  return async (names) => {
    try {
      await installer.ensure(names);
    } catch (error) {
      if (!(error instanceof InstallError)) throw error;
      throw new ServerError("INSTALL_FAILED", error.message, {
        cause: error,
        details: { packages: error.job.packages, jobId: error.job.id },
      });
    }
  };
}
