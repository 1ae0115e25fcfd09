// Regenerates test/generated/openapi.ts from a real server's /openapi.json.
import { writeFile } from "node:fs/promises";
import { GENERATED_TYPES_FILE, renderOpenApiTypes } from "../test/openapi-types.js";

await writeFile(GENERATED_TYPES_FILE, await renderOpenApiTypes());
console.log(`wrote ${GENERATED_TYPES_FILE.pathname}`);
