// `npm run bench -w @relais/server [-- <scenario>...]`: runs the named scenarios (default: api).
import { runApiBench } from "./api.js";
import { runAgentsBench } from "./agents.js";
import { runInteropBench } from "./interop.js";
import { runWebhooksBench } from "./webhooks.js";

const scenarios: Record<string, () => Promise<void>> = { api: runApiBench, webhooks: runWebhooksBench, agents: runAgentsBench, interop: runInteropBench };

const requested = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
const names = requested.length > 0 ? requested : ["api"];
const unknown = names.filter((name) => !(name in scenarios));
if (unknown.length > 0) {
  console.error(`unknown bench scenario(s): ${unknown.join(", ")}; known: ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}
for (const name of names) await scenarios[name]?.();
