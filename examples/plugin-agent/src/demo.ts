// `npm start -w @relais/example-plugin-agent`: a Relais server in this process, a simulated
// WooCommerce plugin enrolled into it, telemetry the server sees, and a config command applied.
import type { AgentEvents, PluginAgent } from "@relais/plugin-agent";
import { Relais } from "@relais/sdk-node";
import { loadConfig, startServer } from "@relais/server";
import { createWooCommercePlugin } from "./woocommerce-plugin.js";

const DEADLINE_MS = 30_000;
const print = (line: string): void => console.log(line);

/** Resolves with the next `event` the agent emits that `matches`; rejects after the deadline. */
function nextAgentEvent<E extends keyof AgentEvents>(agent: PluginAgent, event: E, matches: (payload: AgentEvents[E]) => boolean = () => true) {
  return new Promise<AgentEvents[E]>((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`the agent emitted no ${event} within ${DEADLINE_MS / 1000} s`));
    }, DEADLINE_MS);
    const unsubscribe = agent.on(event, (payload) => {
      if (!matches(payload)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(payload);
    });
  });
}

/** Reads `read()` until `done` holds: the server learns what agents do on their next heartbeat. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`the server never saw ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const server = await startServer(
  loadConfig({ DATABASE_URL: "memory://", HOST: "127.0.0.1", PORT: "0", RELAIS_AGENT_HEARTBEAT_S: "1", LOG_LEVEL: process.env.LOG_LEVEL ?? "error" }),
);
let plugin: ReturnType<typeof createWooCommercePlugin> | undefined;
try {
  print(`Relais server started in this process at ${server.url} (in-memory database, heartbeats every 1 s)`);
  const relais = new Relais({ baseUrl: server.url, apiKey: server.adminKey ?? "" });
  const app = await relais.apps.create({ name: "Woo shop" });
  const token = await relais.plugins.enrolmentTokens.create(app.id, { max_uses: 1 });
  print(`created app ${app.id} and enrolment token ${token.id} (${token.prefix}…, max 1 use)`);

  plugin = createWooCommercePlugin({ serverUrl: server.url, enrolmentToken: token.token, log: (line) => print(`plugin: ${line}`) });
  const { agent } = plugin;
  const enrolled = nextAgentEvent(agent, "enrolled");
  await agent.start();
  const { instanceUid: pluginId } = await enrolled;
  print(`plugin relais-woocommerce 1.4.2 enrolled as ${pluginId}`);

  plugin.syncOrder({ id: "1001", webhookDelivered: true });
  plugin.syncOrder({ id: "1002", webhookDelivered: true });
  plugin.syncOrder({ id: "1003", webhookDelivered: false });
  print("plugin synced orders 1001, 1002 and 1003 (the webhook for 1003 timed out)");

  const seen = await eventually(
    () => relais.plugins.retrieve(pluginId),
    (found) => found.telemetry.counters.orders_synced === 3 && found.recent_telemetry.some((sample) => sample.error_count > 0),
    "the plugin's telemetry",
  );
  const sample = seen.recent_telemetry.find((telemetry) => telemetry.error_count > 0);
  print(
    `server sees ${pluginId} ${seen.status}, healthy=${seen.health.healthy}, counters ${JSON.stringify(seen.telemetry.counters)}, ` +
      `webhook fail rate ${sample?.webhook_fail_rate?.toFixed(2)}, errors ${JSON.stringify(sample?.errors.map((error) => (error as { message: string }).message))}`,
  );

  const offered = { log_level: "debug", sync_interval_minutes: 5, webhook_timeout_s: 10 };
  const applied = nextAgentEvent(agent, "command:applied", (event) => event.type === "config");
  const command = await relais.plugins.commands.create(pluginId, { type: "config", params: { config: offered } });
  print(`sent config command ${command.id} ${JSON.stringify(offered)} (status ${command.status})`);
  const appliedEvent = await applied;
  if (appliedEvent.id !== command.id) throw new Error(`the agent applied ${appliedEvent.id}, not ${command.id}`);
  print(`plugin applied ${command.id}; its settings are now ${JSON.stringify(plugin.settings())}`);

  const acked = await eventually(
    () => relais.plugins.retrieve(pluginId),
    (found) =>
      found.recent_commands.some((recent) => recent.id === command.id && recent.status === "applied") &&
      found.effective_config?.log_level === "debug",
    `${command.id} applied`,
  );
  print(`server: ${command.id} applied, effective config ${JSON.stringify(acked.effective_config)} (hash ${acked.effective_config_hash?.slice(0, 12)}…)`);

  // A config the plugin cannot use: its handler throws, the agent restores the snapshot and acks `failed`.
  const failed = nextAgentEvent(agent, "command:failed", (event) => event.type === "config");
  const badCommand = await relais.plugins.commands.create(pluginId, { type: "config", params: { config: { log_level: "verbose" } } });
  print(`sent config command ${badCommand.id} {"log_level":"verbose"}`);
  const failedEvent = await failed;
  print(`plugin refused ${failedEvent.id}: ${failedEvent.error.message}; settings still ${JSON.stringify(plugin.settings())}`);
  const refused = await eventually(
    () => relais.plugins.commands.list(pluginId, { status: "failed" }),
    (page) => page.data.some((recent) => recent.id === badCommand.id),
    `${badCommand.id} failed`,
  );
  const recorded = refused.data.find((recent) => recent.id === badCommand.id);
  print(`server: ${badCommand.id} failed (${recorded?.error?.code}), rolled_back=${recorded?.details?.rolled_back}`);
  print("done: the plugin reported telemetry, applied the server's config and rolled back a bad one");
} catch (error) {
  console.error(`demo failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await plugin?.agent.stop();
  await server.close();
}
