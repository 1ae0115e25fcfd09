import { describe, expect, it } from "vitest";
import { isValidEventType, isValidEventTypeFilter, matchesEventType } from "./event-type-filter.js";

describe("matchesEventType", () => {
  it("matches every type with *", () => {
    expect(matchesEventType(["*"], "payment.succeeded")).toBe(true);
    expect(matchesEventType(["*"], "plugin")).toBe(true);
  });

  it("matches exact types exactly", () => {
    expect(matchesEventType(["order.created"], "order.created")).toBe(true);
    expect(matchesEventType(["order.created"], "order.created.v2")).toBe(false);
    expect(matchesEventType(["order.created"], "order")).toBe(false);
  });

  it("matches one or more further segments with a trailing .*", () => {
    const filters = ["payment.*"];
    expect(matchesEventType(filters, "payment.succeeded")).toBe(true);
    expect(matchesEventType(filters, "payment.refund.issued")).toBe(true);
    expect(matchesEventType(filters, "payment")).toBe(false);
    expect(matchesEventType(filters, "payments.succeeded")).toBe(false);
    expect(matchesEventType(filters, "order.payment.succeeded")).toBe(false);
    expect(matchesEventType(["payment.refund.*"], "payment.refund.issued")).toBe(true);
    expect(matchesEventType(["payment.refund.*"], "payment.succeeded")).toBe(false);
  });

  it("matches when any filter matches, and never with no filters", () => {
    expect(matchesEventType(["payment.*", "order.created"], "order.created")).toBe(true);
    expect(matchesEventType(["payment.*", "order.created"], "order.updated")).toBe(false);
    expect(matchesEventType([], "order.created")).toBe(false);
  });
});

describe("validation", () => {
  it.each(["*", "order.created", "payment.*", "payment.refund.*", "plugin", "v2_events.x9"])("accepts filter %j", (filter) => {
    expect(isValidEventTypeFilter(filter)).toBe(true);
  });

  const malformed = ["", ".", "payment.", ".payment", "payment..x", "Payment.x", "payment.*.x", "*.created"];
  it.each([...malformed, "payment*", "pay-ment", "payment.**", "a b", "a".repeat(129)])(
    "refuses filter %j",
    (filter) => {
      expect(isValidEventTypeFilter(filter)).toBe(false);
    },
  );

  it("accepts event types without wildcards only", () => {
    expect(isValidEventType("payment.refund.issued")).toBe(true);
    expect(isValidEventType("payment.*")).toBe(false);
    expect(isValidEventType("*")).toBe(false);
    expect(isValidEventType("Payment")).toBe(false);
  });
});
