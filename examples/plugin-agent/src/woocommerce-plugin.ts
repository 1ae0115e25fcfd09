import { createAgent, type JsonObject, type PluginAgent } from "@relais/plugin-agent";

/** The plugin's settings, as a WooCommerce plugin keeps them in a `wp_options` row. */
export interface PluginSettings extends JsonObject {
  log_level: "error" | "warn" | "info" | "debug";
  sync_interval_minutes: number;
  webhook_timeout_s: number;
}

/** The settings a fresh install starts with. */
export const defaultSettings: PluginSettings = { log_level: "info", sync_interval_minutes: 15, webhook_timeout_s: 30 };

const logLevels: ReadonlyArray<PluginSettings["log_level"]> = ["error", "warn", "info", "debug"];

/** What {@link createWooCommercePlugin} needs from its host. */
export interface PluginOptions {
  serverUrl: string;
  enrolmentToken: string;
  /** Where the plugin writes its own log lines (a WooCommerce status log, here the console). */
  log: (line: string) => void;
}

/** A simulated WooCommerce plugin with a Relais agent inside. */
export interface WooCommercePlugin {
  agent: PluginAgent;
  /** The settings in effect now. */
  settings(): PluginSettings;
  /** Handles one order the way the plugin's `woocommerce_order_status_changed` hook would. */
  syncOrder(order: { id: string; webhookDelivered: boolean }): void;
}

/**
 * Checks settings offered by the control plane before anything is saved: a config command that
 * names an unknown log level fails instead of leaving the shop misconfigured.
 */
function parseSettings(offered: JsonObject): PluginSettings {
  const merged = { ...defaultSettings, ...offered };
  if (!logLevels.includes(merged.log_level as PluginSettings["log_level"])) {
    throw new Error(`log_level must be one of ${logLevels.join(", ")}`);
  }
  for (const name of ["sync_interval_minutes", "webhook_timeout_s"] as const) {
    const value = merged[name];
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1`);
  }
  return merged as PluginSettings;
}

/**
 * Builds the plugin and its agent. The agent reports telemetry the plugin records, and applies
 * `config` commands through the same settings code an admin page would use, with a snapshot to
 * roll back to if the plugin is unhealthy afterwards.
 *
 * @example
 * const plugin = createWooCommercePlugin({ serverUrl, enrolmentToken, log: console.log });
 * await plugin.agent.start();
 * plugin.syncOrder({ id: "1001", webhookDelivered: true });
 */
export function createWooCommercePlugin({ serverUrl, enrolmentToken, log }: PluginOptions): WooCommercePlugin {
  let settings: PluginSettings = { ...defaultSettings };
  const ordersSeen = { synced: 0, webhookFailures: 0 };

  const agent = createAgent({
    serverUrl,
    enrolmentToken,
    plugin: { name: "relais-woocommerce", version: "1.4.2", platform: "woocommerce" },
    initialConfig: settings,
    telemetry: { env: { woocommerce_version: "9.1.0", php_version: "8.3" } },
    handlers: {
      config: ({ config }) => {
        settings = parseSettings(config);
        log(`settings saved: ${JSON.stringify(settings)}`);
        return { effectiveConfig: settings };
      },
      snapshot: () => ({ ...settings }),
      restore: (snapshot) => {
        settings = snapshot.data as PluginSettings;
        log(`settings restored from snapshot ${snapshot.id}`);
      },
      // A plugin is healthy while its own webhooks mostly get through.
      healthCheck: () => ordersSeen.synced < 4 || ordersSeen.webhookFailures / ordersSeen.synced < 0.5,
    },
  });

  return {
    agent,
    settings: () => settings,
    syncOrder({ id, webhookDelivered }) {
      ordersSeen.synced += 1;
      agent.recordMetric("orders_synced");
      if (!webhookDelivered) {
        ordersSeen.webhookFailures += 1;
        agent.recordMetric("webhook_failures");
        agent.reportError(new Error(`order ${id}: webhook delivery timed out`), "webhook_timeout");
      }
      agent.setHealth({ webhookFailRate: ordersSeen.webhookFailures / ordersSeen.synced });
    },
  };
}
