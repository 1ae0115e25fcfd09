import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readExcerpt } from "./response-excerpt.js";

const chunks = (...parts: string[]) => Readable.from(parts.map((part) => Buffer.from(part)));

describe("readExcerpt", () => {
  it("reads a short body whole", async () => {
    expect(await readExcerpt(chunks("hello ", "world"), 4096)).toEqual({ responseExcerpt: "hello world", responseTruncated: false });
  });

  it("reads a body of exactly the limit without calling it truncated", async () => {
    expect(await readExcerpt(chunks("abcd", "efgh"), 8)).toEqual({ responseExcerpt: "abcdefgh", responseTruncated: false });
  });

  it("cuts at the limit, mid-chunk or on a chunk boundary", async () => {
    expect(await readExcerpt(chunks("abcd", "efgh"), 6)).toEqual({ responseExcerpt: "abcdef", responseTruncated: true });
    expect(await readExcerpt(chunks("abcd", "efgh"), 4)).toEqual({ responseExcerpt: "abcd", responseTruncated: true });
  });

  it("stops an endless body and destroys it", async () => {
    const endless = new Readable({
      read() {
        this.push(Buffer.alloc(1024, "z"));
      },
    });
    const excerpt = await readExcerpt(endless, 4096);
    expect(excerpt).toEqual({ responseExcerpt: "z".repeat(4096), responseTruncated: true });
    expect(endless.destroyed).toBe(true);
  });

  it("drops a multi-byte character cut by the limit instead of emitting a replacement character", async () => {
    // "é" is two bytes in UTF-8; a limit of 4 splits the second one.
    expect(await readExcerpt(chunks("aéé"), 4)).toEqual({ responseExcerpt: "aé", responseTruncated: true });
  });

  it("keeps what was read when the body errors", async () => {
    const failing = new Readable({ read() {} });
    failing.push(Buffer.from("partial"));
    setImmediate(() => failing.destroy(new Error("reset")));
    expect(await readExcerpt(failing, 4096)).toEqual({ responseExcerpt: "partial", responseTruncated: true });
  });
});
