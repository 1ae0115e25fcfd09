// `npm start`: signs sample deliveries the way Relais does and passes them to the worker as Web
// Requests, so the handler runs here exactly as it would on an edge runtime.
import { generateStandardSecret, sign } from "@relais/webhook-verify";
import worker from "./worker.js";

const env = { RELAIS_WEBHOOK_SECRET: generateStandardSecret() };
const body = JSON.stringify({ id: "evt_demo", object: "event", type: "payment.succeeded", data: { amount: 4200 } });
const signedHeaders = await sign({ scheme: "standard", payload: body, secret: env.RELAIS_WEBHOOK_SECRET, id: "msg_demo" });

const deliveries: Array<[label: string, body: string, headers: Record<string, string>]> = [
  ["signed delivery", body, signedHeaders],
  ["tampered body", body.replace("4200", "1"), signedHeaders],
  ["no signature headers", body, {}],
];

for (const [label, deliveryBody, headers] of deliveries) {
  const request = new Request("https://receiver.example/webhooks/relais", { method: "POST", body: deliveryBody, headers });
  const response = await worker.fetch(request, env);
  const problem = response.ok ? undefined : ((await response.json()) as { code: string });
  console.log(`${label} → ${response.status}${problem ? ` ${problem.code}` : ""}`);
}
