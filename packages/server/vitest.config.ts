import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "server",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Each file gets its own database; PGlite start-up and real-socket tests need some headroom.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
