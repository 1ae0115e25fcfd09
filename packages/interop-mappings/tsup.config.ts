import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/node.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  // Shared chunks for CJS too: both entries must see the same InteropError class, or
  // `instanceof` fails when an app mixes `@relais/interop-mappings` and `/node`.
  splitting: true,
});
