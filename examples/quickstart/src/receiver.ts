import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createReceiver } from "@relais/example-express-receiver/src/server.js";

/** The express receiver example on a free port of 127.0.0.1, with its log lines observable. */
export interface RunningReceiver {
  /** `http://127.0.0.1:<port>/webhooks/relais` */
  url: string;
  /** Starts verifying with the endpoint's `whsec_…` secret; requests are only expected after this. */
  useSecret(secret: string): void;
  /** Resolves with the first log line (past or future) that matches `pattern`. */
  waitForLine(pattern: RegExp): Promise<string>;
  close(): Promise<void>;
}

/**
 * Listens first and builds the receiver later: the endpoint's URL needs the port, and the
 * receiver needs the secret Relais returns when that endpoint is created.
 */
export async function startReceiver(print: (line: string) => void): Promise<RunningReceiver> {
  const lines: string[] = [];
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  const log = (line: string): void => {
    lines.push(line);
    print(`receiver: ${line}`);
    for (const waiter of waiters.filter(({ pattern }) => pattern.test(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  };

  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/webhooks/relais`,
    useSecret(secret) {
      server.on("request", createReceiver({ secret, log }));
    },
    waitForLine(pattern) {
      const seen = lines.find((line) => pattern.test(line));
      return seen !== undefined ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
