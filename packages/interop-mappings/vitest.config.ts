import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "interop-mappings",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
  },
});
