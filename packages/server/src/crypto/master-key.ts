import { randomBytes } from "node:crypto";
import { mkdir, open, readFile } from "node:fs/promises";
import path from "node:path";
import { ConfigError, type ServerConfig } from "../config.js";
import type { Logger } from "../logger.js";
import { MASTER_KEY_BYTES } from "./keys.js";

/** The file an embedded, on-disk server keeps its generated master key in. */
export const MASTER_KEY_FILE = "master.key";

async function readKeyFile(file: string): Promise<Buffer> {
  const key = Buffer.from((await readFile(file, "utf8")).trim(), "base64");
  if (key.length !== MASTER_KEY_BYTES) {
    throw new ConfigError(`${file} must hold ${MASTER_KEY_BYTES} bytes in base64; restore it or set RELAIS_MASTER_KEY`, [
      "RELAIS_MASTER_KEY",
    ]);
  }
  return key;
}

/**
 * The master key for this start: `RELAIS_MASTER_KEY` when set; a random one for `memory://`
 * (nothing outlives the process anyway); for embedded on-disk data, the one in
 * `<dataDir>/master.key`, generated (mode 0600) on the first start. A PostgreSQL server without
 * a configured key is refused (here and by `loadConfig`), because a key generated on one host
 * would not open secrets written by another; so is a database handed in by the caller.
 *
 * @param embedded the server opens its own embedded database (not a PostgreSQL URL, not a caller's).
 */
export async function resolveMasterKey(config: ServerConfig, logger: Logger, embedded: boolean): Promise<Buffer> {
  if (config.masterKey) return config.masterKey;
  if (!embedded) {
    throw new ConfigError(
      "RELAIS_MASTER_KEY is required unless the server opens its own embedded database (32 random bytes in base64)",
      ["RELAIS_MASTER_KEY"],
    );
  }
  if (config.databaseUrl === "memory://") return randomBytes(MASTER_KEY_BYTES);
  const file = path.join(config.dataDir, MASTER_KEY_FILE);
  await mkdir(config.dataDir, { recursive: true });
  try {
    const handle = await open(file, "wx", 0o600);
    const key = randomBytes(MASTER_KEY_BYTES);
    await handle.writeFile(`${key.toString("base64")}\n`);
    await handle.close();
    logger.warn({ file }, "generated a new master key for the embedded database; back it up with the data directory");
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return readKeyFile(file);
  }
}
