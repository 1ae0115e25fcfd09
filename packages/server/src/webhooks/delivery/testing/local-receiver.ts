import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request a local receiver got. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A real HTTP server on a loopback address, recording what reaches it. */
export interface LocalReceiver {
  /** `http://<host>:<port>` */
  origin: string;
  port: number;
  requests: ReceivedRequest[];
  /** TCP connections accepted, whether or not a request followed. */
  connections: number;
  close(): Promise<void>;
}

/** Answers a request once its body has been read; may leave the response open. */
export type ReceiverHandler = (request: ReceivedRequest, response: ServerResponse) => void;

/** Starts a receiver on `host` (a loopback address) and an ephemeral port, for tests only. */
export async function startLocalReceiver(handler: ReceiverHandler, host = "127.0.0.1"): Promise<LocalReceiver> {
  const receiver = { requests: [] as ReceivedRequest[], connections: 0 };
  const server = createServer((incoming: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const request: ReceivedRequest = {
        method: incoming.method ?? "",
        path: incoming.url ?? "",
        headers: incoming.headers,
        body: Buffer.concat(chunks),
      };
      receiver.requests.push(request);
      handler(request, response);
    });
  });
  server.on("connection", () => {
    receiver.connections += 1;
  });
  server.listen(0, host);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    origin: `http://${host}:${port}`,
    port,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  });
}

/** A loopback port with nothing listening: a server is bound, then closed. */
export async function closedPort(): Promise<number> {
  const receiver = await startLocalReceiver(() => undefined);
  await receiver.close();
  return receiver.port;
}
