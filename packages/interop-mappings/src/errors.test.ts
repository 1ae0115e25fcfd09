import { describe, expect, it } from "vitest";
import { InteropError } from "./errors.js";

describe("InteropError", () => {
  it("is an Error carrying a code and the place of the problem", () => {
    const error = new InteropError("excess_precision", "amount 10.005 has more than 2 decimal places", "$.line_items[0].price");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("InteropError");
    expect([error.code, error.path]).toEqual(["excess_precision", "$.line_items[0].price"]);
    expect(error.message).toBe("amount 10.005 has more than 2 decimal places (at $.line_items[0].price)");
    expect(error.issues).toEqual([]);
  });

  it("leaves the message alone when there is no path", () => {
    expect(new InteropError("unknown_topic", "no topic").message).toBe("no topic");
  });
});
