import { randomUUID } from "node:crypto";
import * as nodeFs from "node:fs/promises";
import path from "node:path";

/** Named JSON documents the agent keeps between runs (`state`, `snapshots`). */
export interface DocumentStore {
  /** The last document written under `name`, or `undefined` if there is none. */
  read(name: string): Promise<unknown>;
  /** Replaces the document with JSON-serialisable `value`; once resolved, a crash cannot tear it. */
  write(name: string, value: unknown): Promise<void>;
}

/** Keeps documents in memory: used when no `stateDir` is given, so nothing survives a restart. */
export function createMemoryStore(): DocumentStore {
  const documents = new Map<string, string>();
  return {
    read: async (name) => {
      const text = documents.get(name);
      return text === undefined ? undefined : JSON.parse(text);
    },
    write: async (name, value) => {
      documents.set(name, JSON.stringify(value));
    },
  };
}

/** The file operations the file store needs; tests swap one to simulate a crash. */
export type StoreFs = Pick<typeof nodeFs, "mkdir" | "open" | "readFile" | "readdir" | "rename" | "unlink">;

const DOCUMENT_NAME = /^[a-z][a-z0-9-]*$/;
const TEMP_FILE = /^\..+\.tmp$/;

/**
 * Opens a directory of JSON documents, one `<name>.json` file each, readable by the owner only
 * (directory 0700, files 0600). Writes go to a temporary file that is flushed and then renamed
 * over the old one, so a reader sees the old or the new document, never a torn one. Temporary
 * files left by a crash are removed here.
 */
export async function openFileStore(dir: string, fs: StoreFs = nodeFs): Promise<DocumentStore> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  for (const entry of await fs.readdir(dir)) {
    if (TEMP_FILE.test(entry)) await fs.unlink(path.join(dir, entry));
  }
  // Writes are chained so two writes of one document can never be renamed out of order.
  let queue: Promise<void> = Promise.resolve();
  const fileOf = (name: string): string => {
    if (!DOCUMENT_NAME.test(name)) throw new TypeError(`invalid document name ${JSON.stringify(name)}`);
    return path.join(dir, `${name}.json`);
  };

  return {
    read: async (name) => {
      try {
        return JSON.parse(await fs.readFile(fileOf(name), "utf8"));
      } catch (error) {
        if (isMissingFile(error)) return undefined;
        throw error;
      }
    },
    // Async, so a bad name rejects; the queue is still extended synchronously, keeping call order.
    write: async (name, value) => {
      const target = fileOf(name);
      const text = `${JSON.stringify(value, null, 2)}\n`;
      const run = queue.then(() => replaceFile(fs, dir, target, text));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

async function replaceFile(fs: StoreFs, dir: string, target: string, text: string): Promise<void> {
  const temp = path.join(dir, `.${path.basename(target)}.${randomUUID()}.tmp`);
  const handle = await fs.open(temp, "wx", 0o600);
  try {
    await handle.writeFile(text, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, target);
  await syncDirectory(fs, dir);
}

/** Makes the rename itself durable; some platforms cannot open a directory, which is harmless. */
async function syncDirectory(fs: StoreFs, dir: string): Promise<void> {
  try {
    const handle = await fs.open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Best effort only: the file content is already flushed.
  }
}

function isMissingFile(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "ENOENT";
}
