import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "example-plugin-agent",
    include: ["src/**/*.test.ts"],
    testTimeout: 60000,
  },
});
