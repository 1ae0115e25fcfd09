// `npm run schema -w @relais/interop-mappings`: regenerates the committed JSON Schema files.
import { writeFileSync } from "node:fs";
import { renderSchemas } from "./render-schema.js";

for (const [file, content] of Object.entries(renderSchemas())) {
  writeFileSync(new URL(`../${file}`, import.meta.url), content);
  console.log(`wrote ${file}`);
}
