import { randomUUID } from "node:crypto";
import type { DocumentStore } from "./document-store.js";
import { isJsonObject, type JsonObject } from "./json.js";
import type { Snapshot } from "./types.js";

/** A snapshot plus the effective config and plugin version in force when it was taken. */
export interface StoredSnapshot extends Snapshot {
  previousEffectiveConfig: JsonObject;
  /** Absent in snapshots stored by agents before 0.2. */
  previousPluginVersion?: string;
}

/** Snapshots kept on disk, newest last; a `rollback` pops the newest. */
export interface SnapshotStore {
  latest(): StoredSnapshot | null;
  save(snapshot: Omit<StoredSnapshot, "id" | "takenAt">): Promise<StoredSnapshot>;
  remove(id: string): Promise<void>;
}

const SNAPSHOTS_DOCUMENT = "snapshots";
/** Enough to undo a few updates in a row; older states are not worth the disk. */
const MAX_SNAPSHOTS = 5;

/** Loads the snapshot history from `store`. */
export async function openSnapshotStore(store: DocumentStore): Promise<SnapshotStore> {
  const document = await store.read(SNAPSHOTS_DOCUMENT);
  let snapshots: StoredSnapshot[] = Array.isArray(document) ? document.filter(isStoredSnapshot) : [];
  const persist = (): Promise<void> => store.write(SNAPSHOTS_DOCUMENT, snapshots);

  return {
    latest: () => snapshots.at(-1) ?? null,
    async save(input) {
      const snapshot: StoredSnapshot = { id: `snap_${randomUUID()}`, takenAt: new Date().toISOString(), ...input };
      snapshots = [...snapshots, snapshot].slice(-MAX_SNAPSHOTS);
      await persist();
      return snapshot;
    },
    async remove(id) {
      snapshots = snapshots.filter((snapshot) => snapshot.id !== id);
      await persist();
    },
  };
}

function isStoredSnapshot(value: unknown): value is StoredSnapshot {
  return (
    isJsonObject(value) &&
    typeof value.id === "string" &&
    typeof value.commandId === "string" &&
    (value.kind === "update" || value.kind === "config") &&
    isJsonObject(value.previousEffectiveConfig)
  );
}
