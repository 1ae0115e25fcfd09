import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/node.ts", "src/express.ts", "src/web.ts"],
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  // Shared chunks for CJS too: every entry must see the same WebhookVerificationError class,
  // or `instanceof` fails when an app mixes `@relais/webhook-verify` and `/node`.
  splitting: true,
  // Keep `node:crypto` spelled out: Deno, Bun and edge bundlers recognise the prefix.
  removeNodeProtocol: false,
});
