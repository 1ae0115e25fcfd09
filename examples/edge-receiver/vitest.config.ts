import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "example-edge-receiver",
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**"],
  },
});
