// Throughput of `normalize` on raw JSON bodies, against a plain JSON.parse of the same body
// (the floor: every normalization parses once). Run with `npm run bench -w
// @relais/interop-mappings`; the Markdown table is pasted as is into the README.
import { readFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { Bench } from "tinybench";
import { normalize, type NormalizeInput } from "../src/index.js";

const fixture = (path: string) => readFileSync(new URL(`../test/fixtures/${path}`, import.meta.url), "utf8");

// Re-serializes compactly, as platforms send, keeping integers beyond 2^53 as written.
function compact(text: string): string {
  return JSON.stringify(JSON.parse(text.replace(/(?<=[:[,]\s*)(\d{16,})(?=\s*[,}\]])/g, '"@@$1"'))).replace(/"@@(\d+)"/g, "$1");
}

/** A 5 KiB Shopify order: the orders/create fixture with one line item and no customer, address or client blocks. */
function shopifyOrder5KiB(bigIds: boolean): string {
  const text = compact(fixture("shopify/orders-create.json"));
  const order = JSON.parse(text.replace(/(?<=[:[,])(\d{16,})/g, '"@@$1"')) as Record<string, unknown>;
  order.line_items = (order.line_items as unknown[]).slice(0, 1);
  const dropped = ["customer", "shipping_address", "billing_address", "client_details", "discount_applications", "order_status_url"];
  for (const key of dropped) delete order[key];
  const body = JSON.stringify(order).replace(/"@@(\d+)"/g, "$1");
  // Ids of today's stores (13 digits) parse on the native path; beyond 2^53 they need the lossless one.
  return bigIds ? body : body.replace(/5000000000000000(\d{3})/g, "5612345678$1");
}

const shopifyHeaders = { "x-shopify-topic": "orders/create", "x-shopify-shop-domain": "relais-demo.myshopify.com" };
const wooHeaders = { "x-wc-webhook-topic": "order.updated", "x-wc-webhook-source": "https://boutique.example/" };
const cases: { name: string; input: NormalizeInput & { body: string } }[] = [
  { name: "Shopify order, ids < 2^53", input: { platform: "shopify", headers: shopifyHeaders, body: shopifyOrder5KiB(false) } },
  { name: "Shopify order, ids > 2^53", input: { platform: "shopify", headers: shopifyHeaders, body: shopifyOrder5KiB(true) } },
  {
    name: "Shopify order (full fixture), ids > 2^53",
    input: { platform: "shopify", headers: shopifyHeaders, body: compact(fixture("shopify/orders-create.json")) },
  },
  {
    name: "WooCommerce order.updated",
    input: { platform: "woocommerce", headers: wooHeaders, body: compact(fixture("woocommerce/order-updated-processing.json")) },
  },
];

const bench = new Bench({ time: 1500, warmupTime: 300, throws: true });
for (const { name, input } of cases) {
  bench.add(`${name} — JSON.parse`, () => JSON.parse(input.body));
  bench.add(`${name} — normalize`, () => normalize(input));
}
await bench.run();

const throughput = (name: string) => {
  const result = bench.getTask(name)?.result;
  if (result?.state !== "completed") throw new Error(`${name}: ${result?.state}`);
  return result.throughput;
};
const format = (value: number) => Math.round(value).toLocaleString("en-US");

console.log(`Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? "unknown CPU"})\n`);
console.log("| body | size | normalize events/s | ± | JSON.parse/s | normalize ÷ JSON.parse |");
console.log("|---|---:|---:|---:|---:|---:|");
for (const { name, input } of cases) {
  const normalized = throughput(`${name} — normalize`);
  const parsed = throughput(`${name} — JSON.parse`);
  const size = `${(Buffer.byteLength(input.body) / 1024).toFixed(1)} KiB`;
  const ratio = (normalized.mean / parsed.mean).toFixed(2);
  console.log(`| ${name} | ${size} | ${format(normalized.mean)} | ${normalized.rme.toFixed(1)}% | ${format(parsed.mean)} | ${ratio} |`);
}
