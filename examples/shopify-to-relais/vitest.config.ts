import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "example-shopify-to-relais",
    include: ["src/**/*.test.ts"],
    testTimeout: 60000,
  },
});
