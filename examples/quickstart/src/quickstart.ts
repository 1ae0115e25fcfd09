// `npm start -w @relais/example-quickstart`: a Relais server, the express receiver and the SDK in
// one process, from an empty database to a delivered, verified `payment.succeeded` webhook.
import { BadRequestError, Relais } from "@relais/sdk-node";
import { startReceiver } from "./receiver.js";
import { connectRelais } from "./relais-server.js";

const DELIVERY_DEADLINE_MS = 30_000;

const print = (line: string): void => console.log(line);
/** Enough of a secret to recognise it in a dashboard, never the whole of it. */
const preview = (secret: string): string => `${secret.slice(0, 12)}…`;

/** Rejects with `message` if `promise` has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

async function waitForRecordedDelivery(relais: Relais, messageId: string) {
  const deadline = Date.now() + DELIVERY_DEADLINE_MS;
  // The receiver answers before the worker writes the attempt, so the record can lag by a moment.
  for (;;) {
    const message = await relais.webhookMessages.retrieve(messageId);
    if (message.status === "succeeded") return message;
    if (Date.now() > deadline) throw new Error(`Relais still reports ${messageId} as ${message.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const relaisServer = await connectRelais(process.env);
const receiver = await startReceiver(print);
let endpointToDelete: { relais: Relais; id: string } | undefined;
try {
  print(
    relaisServer.inProcess
      ? `Relais server started in this process at ${relaisServer.baseUrl} (in-memory database)`
      : `using the Relais server at ${relaisServer.baseUrl} (RELAIS_BASE_URL)`,
  );
  print(`receiver listening at ${receiver.url}`);

  const admin = new Relais({ baseUrl: relaisServer.baseUrl, apiKey: relaisServer.adminKey });
  const app = await admin.apps.create({ name: "Quickstart shop" });
  print(`created app ${app.id} (${app.name})`);

  // A key of the app itself, limited to what the app needs: it sees this app only.
  const key = await admin.apiKeys.create(app.id, { name: "quickstart", scopes: ["webhooks:write", "events:write"] });
  print(`created API key ${key.id} for the app, scopes ${key.scopes.join(" ")} (secret ${preview(key.secret)}, shown once)`);
  const relais = new Relais({ baseUrl: relaisServer.baseUrl, apiKey: key.secret });

  const endpoint = await relais.webhookEndpoints.create({ url: receiver.url, event_types: ["payment.*"] }).catch((error: unknown) => {
    if (error instanceof BadRequestError && (error.code === "insecure_scheme" || error.code === "forbidden_address")) {
      throw new Error(`${error.code}: the server refuses ${receiver.url}; start it with RELAIS_WEBHOOK_ALLOW_PRIVATE=true to try the quickstart against it`);
    }
    throw error;
  });
  endpointToDelete = relaisServer.inProcess ? undefined : { relais, id: endpoint.id };
  receiver.useSecret(endpoint.secret);
  print(`created webhook endpoint ${endpoint.id} for ${endpoint.event_types.join(", ")} → ${endpoint.url} (signing secret ${preview(endpoint.secret)})`);

  const event = await relais.events.create({ type: "payment.succeeded", data: { order_id: "1001", amount: { value: 4200, currency: "EUR" } } });
  print(`published event ${event.id} ${event.type} ${JSON.stringify(event.data)}`);

  // The receiver logs `received …` only for a delivery whose signature and timestamp it verified.
  const received = await within(
    receiver.waitForLine(new RegExp(`^received ${event.id} `)),
    DELIVERY_DEADLINE_MS,
    `no verified delivery of ${event.id} reached the receiver within ${DELIVERY_DEADLINE_MS / 1000} s`,
  );
  const messageId = /\(webhook-id (msg_[0-9a-z]+)\)$/.exec(received)?.[1] ?? "";
  const message = await waitForRecordedDelivery(relais, messageId);
  print(`Relais recorded delivery ${message.id} as ${message.status}: attempt ${message.attempt_count}, HTTP ${message.last_status_code}`);
  print("done: the event was delivered, its signature verified and the receiver logged it");
} catch (error) {
  console.error(`quickstart failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  if (endpointToDelete) await endpointToDelete.relais.webhookEndpoints.del(endpointToDelete.id).catch(() => {});
  await receiver.close();
  await relaisServer.close();
}
