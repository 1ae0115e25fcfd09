import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "example-express-receiver",
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**"],
  },
});
