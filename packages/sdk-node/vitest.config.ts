import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "sdk-node",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Integration tests start a real server: seconds each when the whole suite shares two cores.
    testTimeout: 30_000,
    // Type tests (`*.test-d.ts`) run through tsc, so a wrong public signature fails the suite.
    typecheck: { enabled: true, include: ["src/**/*.test-d.ts", "test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});
