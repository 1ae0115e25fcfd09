import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { GENERATED_TYPES_FILE, renderOpenApiTypes } from "./openapi-types.js";

describe("generated OpenAPI types", () => {
  // Starts a server and runs openapi-typescript over a large document: seconds on a busy machine.
  it("match the server's current /openapi.json (run `npm run openapi-types -w @relais/sdk-node` when this fails)", { timeout: 60_000 }, async () => {
    expect(await readFile(GENERATED_TYPES_FILE, "utf8")).toBe(await renderOpenApiTypes());
  });
});
