import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { idAtTime, idPrefixes, isId, newId } from "./ids.js";

describe("newId", () => {
  it("is the prefix, an underscore and 26 Crockford base32 characters", () => {
    for (const prefix of idPrefixes) {
      const id = newId(prefix);
      expect(id).toMatch(new RegExp(`^${prefix}_[0-9a-hjkmnp-tv-z]{26}$`));
      expect(isId(prefix, id)).toBe(true);
    }
    expect(isId("app", newId("key"))).toBe(false);
  });

  it("sorts in creation order within a process, even within one millisecond", () => {
    const ids = Array.from({ length: 5_000 }, () => newId("evt"));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("encodes the creation time in its first 10 characters", () => {
    fc.assert(
      fc.property(fc.constantFrom(...idPrefixes), (prefix) => {
        const before = Date.now();
        const id = newId(prefix);
        const time = [...id.slice(prefix.length + 1, prefix.length + 11)].reduce(
          (total, char) => total * 32 + "0123456789abcdefghjkmnpqrstvwxyz".indexOf(char),
          0,
        );
        expect(time).toBeGreaterThanOrEqual(before);
        expect(time).toBeLessThanOrEqual(Date.now() + 1);
      }),
    );
  });
});

describe("idAtTime", () => {
  it("bounds the ids created from that millisecond on", () => {
    const before = idAtTime("iev", new Date(Date.now() - 1));
    const id = newId("iev");
    const after = idAtTime("iev", new Date(Date.now() + 2));
    expect(isId("iev", before)).toBe(true);
    expect(before < id && id < after).toBe(true);
    expect(idAtTime("iev", new Date(0))).toBe(`iev_${"0".repeat(26)}`);
  });
});
