import type { AddressInfo } from "node:net";
import { createReceiver, readConfig } from "./server.js";

function configOrExit(): ReturnType<typeof readConfig> {
  try {
    return readConfig(process.env);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}

const { port, secret } = configOrExit();
const server = createReceiver({ secret, log: console.log }).listen(port, (error) => {
  if (error) throw error; // e.g. EADDRINUSE: let Node print it and exit
  const { port: boundPort } = server.address() as AddressInfo;
  console.log(`listening on http://localhost:${boundPort}/webhooks/relais`);
});
