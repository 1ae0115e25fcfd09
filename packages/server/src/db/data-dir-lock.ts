import { open, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { DatabaseUnavailableError } from "./database.js";

const LOCK_FILE = "relais.pid";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Claims `dataDir` for this process with a PID file created exclusively. A lock left by a process
 * that no longer runs (kill -9, power loss) is taken over; a live one makes the start fail.
 *
 * @returns a function that releases the lock.
 */
export async function acquireDataDirLock(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(await readFile(lockPath, "utf8").catch(() => ""), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new DatabaseUnavailableError(
          `the data directory ${dataDir} is in use by another Relais server (pid ${owner}); stop it or set RELAIS_DATA_DIR to another directory`,
        );
      }
      if (owner === process.pid) {
        throw new DatabaseUnavailableError(`the data directory ${dataDir} is already open in this process`);
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new DatabaseUnavailableError(`could not lock the data directory ${dataDir}`);
}
