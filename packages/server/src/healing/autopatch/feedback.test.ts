import { describe, expect, it } from "vitest";
import { adjustedConfidence } from "./feedback.js";

describe("adjustedConfidence", () => {
  it("rises slowly with successes and falls fast with rollbacks, staying in [0, 1]", () => {
    expect(adjustedConfidence(0.9, "succeeded")).toBe(0.905);
    expect(adjustedConfidence(0.95, "rolled_back")).toBe(0.76);
    expect(adjustedConfidence(1, "succeeded")).toBe(1);
    expect(adjustedConfidence(0, "rolled_back")).toBe(0);
  });

  it("takes a 0.95 rule under the default 0.85 floor after one rollback, and many successes to earn it back", () => {
    let confidence = adjustedConfidence(0.95, "rolled_back");
    expect(confidence).toBeLessThan(0.85);
    let successes = 0;
    while (confidence < 0.85) {
      confidence = adjustedConfidence(confidence, "succeeded");
      successes += 1;
    }
    expect(successes).toBeGreaterThanOrEqual(8);
  });
});
