import { z } from "zod";
import type { Money } from "./money.js";

/** The platforms this package has built-in mappings for. */
export const PLATFORMS = ["woocommerce", "shopify", "prestashop", "magento"] as const;

/** A platform with built-in mappings. */
export type Platform = (typeof PLATFORMS)[number];

/**
 * Where a normalized event came from: a built-in platform, or `"custom"` for a source
 * described only by a caller-supplied mapping (an extension of the architecture contract).
 */
export type SourcePlatform = Platform | "custom";

/** Every normalized event type, in the order of the architecture contract. */
export const NORMALIZED_EVENT_TYPES = [
  "checkout.created",
  "order.created",
  "order.updated",
  "order.cancelled",
  "payment.succeeded",
  "payment.failed",
  "refund.issued",
  "subscription.created",
  "subscription.updated",
  "subscription.cancelled",
  "plugin.error",
] as const;

/** What happened, platform-neutral. */
export type NormalizedEventType = (typeof NORMALIZED_EVENT_TYPES)[number];

/** The contract type every platform event is turned into (see ARCHITECTURE.md). */
export interface NormalizedEvent {
  /** Stable dedupe key: `ie_` + SHA-256 hex of the source event's identity. */
  id: string;
  type: NormalizedEventType;
  /** ISO 8601 UTC, `YYYY-MM-DDTHH:mm:ss.sssZ`. */
  occurred_at: string;
  source: { platform: SourcePlatform; shop: string | null; topic: string; external_id: string };
  order?: { id: string; number?: string; status?: string; customer_email?: string };
  /** Integer minor units, upper-case ISO 4217 currency. */
  amount?: Money;
  refund?: { id: string; order_id: string; amount: Money; reason?: string };
  subscription?: { id: string; status: string; interval?: string; interval_count?: number };
  /** The input as received: the losslessly parsed body, or the object passed in. */
  raw: unknown;
  /** Non-fatal oddities: unknown statuses, missing optional fields, assumptions made. */
  warnings: string[];
}

const moneySchema = z
  .object({
    value: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe("Integer minor units (cents for EUR)."),
    currency: z.string().regex(/^[A-Z]{3}$/).describe("Upper-case ISO 4217 code."),
  })
  .describe("An amount in minor units of a currency.");

const identifier = z.string().min(1);

/**
 * zod schema of {@link NormalizedEvent}. The JSON Schema rendering ships as
 * `@relais/interop-mappings/normalized-event.schema.json` for other languages.
 *
 * @example
 * normalizedEventSchema.parse(JSON.parse(deliveryBody));
 */
export const normalizedEventSchema = z
  .object({
    id: z.string().regex(/^ie_[0-9a-f]{64}$/).describe("Stable dedupe key derived from the source event."),
    type: z.enum(NORMALIZED_EVENT_TYPES),
    occurred_at: z.iso.datetime({ precision: 3 }).describe("ISO 8601 in UTC with milliseconds."),
    source: z.object({
      platform: z.enum([...PLATFORMS, "custom"]),
      shop: z.string().min(1).nullable(),
      topic: z.string().min(1).describe("The platform's topic, hook or event name."),
      external_id: identifier.describe("Id of the source object (order, refund, checkout, subscription…)."),
    }),
    order: z
      .object({
        id: identifier,
        number: z.string().optional().describe("The order reference shown to people."),
        status: z.string().optional().describe("The platform's own order status."),
        customer_email: z.string().optional(),
      })
      .optional(),
    amount: moneySchema.optional(),
    refund: z
      .object({ id: identifier, order_id: identifier, amount: moneySchema, reason: z.string().optional() })
      .optional(),
    subscription: z
      .object({
        id: identifier,
        status: z.string().min(1),
        interval: z.string().optional(),
        interval_count: z.number().int().min(1).optional(),
      })
      .optional(),
    raw: z.unknown().describe("The source payload as received."),
    warnings: z.array(z.string()),
  })
  .meta({
    title: "Relais normalized commerce event",
    description: "An order, payment, refund or subscription event from any supported commerce platform.",
  }) satisfies z.ZodType<NormalizedEvent>;
