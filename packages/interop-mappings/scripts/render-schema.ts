// Renders the JSON Schema files shipped with the package from the zod schemas.
import { z } from "zod";
import { mappingSchema } from "../src/mapping/schema.js";
import { normalizedEventSchema } from "../src/event.js";

/** File name → exact file content, as committed. */
export function renderSchemas(): Record<string, string> {
  // "input" mode leaves additionalProperties open: readers tolerate fields added later.
  const event = z.toJSONSchema(normalizedEventSchema, { target: "draft-2020-12", io: "input" });
  const mapping = z.toJSONSchema(mappingSchema, { target: "draft-2020-12", io: "input" });
  return {
    "normalized-event.schema.json": `${JSON.stringify(event, null, 2)}\n`,
    "mapping.schema.json": `${JSON.stringify(mapping, null, 2)}\n`,
  };
}
