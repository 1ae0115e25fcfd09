import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "plugin-agent",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
  },
});
