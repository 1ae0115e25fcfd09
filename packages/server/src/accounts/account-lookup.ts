import type { Database } from "../db/database.js";
import { findAccount } from "./store.js";

/**
 * `accountExists(id)` with a short memory of accounts already seen, so JWT requests do not read
 * the accounts table every time. Accounts are never deleted, so a remembered yes stays true.
 */
export function accountLookup(db: Database, maxEntries = 10_000): (id: string) => Promise<boolean> {
  const known = new Set<string>();
  return async (id) => {
    if (known.has(id)) return true;
    const exists = (await findAccount(db, id)) !== undefined;
    if (exists) {
      if (known.size >= maxEntries) known.clear();
      known.add(id);
    }
    return exists;
  };
}
