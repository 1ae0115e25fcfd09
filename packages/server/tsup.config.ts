import { defineConfig } from "tsup";

export default defineConfig([
  {
    // The library and the test harness other packages' integration tests import.
    entry: { index: "src/index.ts", "testing/index": "src/testing/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    sourcemap: true,
    target: "node20",
    // import.meta.url locates the migrations directory; shim it in the CJS build.
    shims: true,
  },
  {
    entry: ["src/main.ts"],
    format: ["esm"],
    sourcemap: true,
    target: "node20",
  },
]);
