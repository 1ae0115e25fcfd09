import { describe, expect, it } from "vitest";
import { GroupCommit, outcomeOf } from "./group-commit.js";

describe("GroupCommit", () => {
  it("writes a lone item at once and groups what arrives during a write, at most maxBatch at a time", async () => {
    const batches: number[][] = [];
    const group = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return items.map((item) => ({ ok: true as const, value: item * 10 }));
    }, 3);
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((item) => group.submit(item)));
    expect(results).toEqual([10, 20, 30, 40, 50, 60]);
    expect(batches).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it("fails only the items whose outcome failed, and every item of a batch whose write threw", async () => {
    let call = 0;
    const group = new GroupCommit<number, number>(async (items) => {
      call += 1;
      if (call === 2) throw new Error("statement failed");
      return Promise.all(items.map((item) => outcomeOf(item === 1 ? Promise.reject(new Error("one")) : Promise.resolve(item))));
    });
    const [first, ...rest] = [1, 2, 3].map((item) => group.submit(item).then(String, (error: Error) => error.message));
    expect(await first).toBe("one");
    expect(await Promise.all(rest)).toEqual(["statement failed", "statement failed"]);
    expect(await group.submit(4)).toBe(4);
  });
});
