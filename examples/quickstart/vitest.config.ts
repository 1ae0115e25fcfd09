import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "example-quickstart",
    include: ["src/**/*.test.ts"],
    testTimeout: 60000,
  },
});
