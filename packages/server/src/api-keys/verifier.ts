import type { Database } from "../db/database.js";
import type { Logger } from "../logger.js";
import { VerifiedKeyCache } from "./key-cache.js";
import { hashApiKeySecret, parseApiKeySecret } from "./secret.js";
import { findKeyBySecretHash, type KeyBySecret, touchKeyLastUsed } from "./store.js";

/** Why a presented API key was refused; the message is safe to return to the caller. */
export type KeyRejection = "malformed" | "unknown" | "revoked" | "expired" | "secret_expired";

/** The outcome of checking one presented secret. */
export type KeyVerification = { ok: true; key: KeyBySecret } | { ok: false; reason: KeyRejection };

const TOUCH_INTERVAL_MS = 60_000;

/**
 * Checks presented API keys: shape first (no database for garbage), then the cached or stored
 * key, then revocation and both expiries against the clock on every request.
 */
export class ApiKeyVerifier {
  private readonly cache: VerifiedKeyCache;
  private readonly lastTouched = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly hashingKey: Uint8Array,
    cacheTtlMs: number,
    private readonly logger: Logger,
  ) {
    this.cache = new VerifiedKeyCache(cacheTtlMs);
  }

  async verify(presented: string): Promise<KeyVerification> {
    const parsed = parseApiKeySecret(presented);
    if (!parsed) return { ok: false, reason: "malformed" };
    const hash = hashApiKeySecret(this.hashingKey, parsed.secret);
    let key = this.cache.get(hash);
    if (!key) {
      key = await findKeyBySecretHash(this.db, hash);
      if (!key) return { ok: false, reason: "unknown" };
      this.cache.set(hash, key);
    }
    const now = Date.now();
    if (key.revoked_at) return { ok: false, reason: "revoked" };
    if (key.expires_at && key.expires_at.getTime() <= now) return { ok: false, reason: "expired" };
    if (key.secret_expires_at && key.secret_expires_at.getTime() <= now) return { ok: false, reason: "secret_expired" };
    this.touch(key.id, now);
    return { ok: true, key };
  }

  /** Forgets cached secrets of keys that were just rotated or revoked in this process. */
  evict(keyIds: readonly string[]): void {
    this.cache.evictKeys(keyIds);
  }

  // last_used_at is informational: a write at most once a minute per key, off the request path.
  private touch(keyId: string, now: number): void {
    if (now - (this.lastTouched.get(keyId) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(keyId, now);
    if (this.lastTouched.size > 10_000) this.lastTouched.clear();
    touchKeyLastUsed(this.db, keyId).catch((error: unknown) => this.logger.warn({ err: error, keyId }, "could not record key use"));
  }
}
