import { z } from "./zod.js";

/** Query fields every list route filters creation time with (ISO 8601, with an offset). */
export const createdRangeQuery = {
  created_gte: z.iso.datetime({ offset: true }).optional().openapi({ description: "Only objects created at or after this time (ISO 8601)." }),
  created_lt: z.iso.datetime({ offset: true }).optional().openapi({ description: "Only objects created before this time (ISO 8601)." }),
};

/** The parsed `created_gte`/`created_lt` of a list query, as the stores take them. */
export function createdRange(query: { created_gte?: string; created_lt?: string }): { createdGte?: Date; createdLt?: Date } {
  return {
    createdGte: query.created_gte ? new Date(query.created_gte) : undefined,
    createdLt: query.created_lt ? new Date(query.created_lt) : undefined,
  };
}
