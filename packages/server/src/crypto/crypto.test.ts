import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { deriveServerKeys } from "./keys.js";
import { resolveMasterKey } from "./master-key.js";
import { decryptSecret, encryptSecret, SecretDecryptionError } from "./secret-box.js";

const keys = deriveServerKeys(Buffer.alloc(32, 1));

describe("encryptSecret / decryptSecret", () => {
  it("round-trips, with a fresh IV every time", () => {
    const first = encryptSecret(keys.secretEncryption, "whsec_abc", "we_1");
    const second = encryptSecret(keys.secretEncryption, "whsec_abc", "we_1");
    expect(first).not.toBe(second);
    expect(first).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(first).not.toContain("whsec_abc");
    expect(decryptSecret(keys.secretEncryption, first, "we_1")).toBe("whsec_abc");
  });

  it("refuses another key, another context, or tampered text", () => {
    const sealed = encryptSecret(keys.secretEncryption, "whsec_abc", "we_1");
    const otherKey = deriveServerKeys(Buffer.alloc(32, 2)).secretEncryption;
    expect(() => decryptSecret(otherKey, sealed, "we_1")).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(keys.secretEncryption, sealed, "we_2")).toThrow(SecretDecryptionError);
    const [version, iv, body = ""] = sealed.split(".");
    const flipped = `${body.slice(0, -2)}${body.endsWith("A") ? "B" : "A"}${body.slice(-1)}`;
    expect(() => decryptSecret(keys.secretEncryption, `${version}.${iv}.${flipped}`, "we_1")).toThrow(SecretDecryptionError);
    expect(() => decryptSecret(keys.secretEncryption, "not sealed", "we_1")).toThrow(SecretDecryptionError);
  });
});

describe("deriveServerKeys", () => {
  it("derives distinct 32-byte keys per purpose, stable for one master key", () => {
    expect(keys.secretEncryption).toHaveLength(32);
    expect(keys.secretEncryption.equals(keys.apiKeyHashing)).toBe(false);
    expect(deriveServerKeys(Buffer.alloc(32, 1)).apiKeyHashing.equals(keys.apiKeyHashing)).toBe(true);
    expect(() => deriveServerKeys(Buffer.alloc(16))).toThrow(RangeError);
  });
});

describe("resolveMasterKey", () => {
  const logs: string[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => logs.push(line) });
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "relais-key-"));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it("generates a key file with mode 0600 on first use, says so, and reuses it", async () => {
    const config = loadConfig({ RELAIS_DATA_DIR: dataDir });
    const first = await resolveMasterKey(config, logger, true);
    expect(first).toHaveLength(32);
    const file = path.join(dataDir, "master.key");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(logs.join("")).toContain("generated a new master key");
    expect((await resolveMasterKey(config, logger, true)).equals(first)).toBe(true);
    expect((await readFile(file, "utf8")).trim()).toBe(first.toString("base64"));
  });

  it("refuses a damaged key file", async () => {
    await writeFile(path.join(dataDir, "master.key"), "c2hvcnQ=\n");
    await expect(resolveMasterKey(loadConfig({ RELAIS_DATA_DIR: dataDir }), logger, true)).rejects.toThrow(/must hold 32 bytes/);
  });

  it("prefers RELAIS_MASTER_KEY, uses a throwaway key in memory, and refuses a database it does not own", async () => {
    const configured = Buffer.alloc(32, 5).toString("base64");
    expect((await resolveMasterKey(loadConfig({ RELAIS_MASTER_KEY: configured }), logger, false)).toString("base64")).toBe(configured);
    const memory = loadConfig({ DATABASE_URL: "memory://" });
    const a = await resolveMasterKey(memory, logger, true);
    const b = await resolveMasterKey(memory, logger, true);
    expect(a.equals(b)).toBe(false);
    await expect(resolveMasterKey(loadConfig({}), logger, false)).rejects.toThrow(/RELAIS_MASTER_KEY is required/);
  });
});
