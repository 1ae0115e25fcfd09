import type { ServerResponse } from "node:http";
import { type LocalReceiver, type ReceivedRequest, startLocalReceiver } from "../delivery/testing/local-receiver.js";

/** How a path of the scripted receiver answers its n-th request (0-based). */
export type Script = (request: ReceivedRequest, index: number, response: ServerResponse) => void;

/** A loopback receiver whose paths answer by script (default 200), recording every request by path. */
export interface ScriptedReceiver extends LocalReceiver {
  url(path: string): string;
  script(path: string, script: Script): void;
  received(path: string): ReceivedRequest[];
}

/** Starts a {@link ScriptedReceiver} on 127.0.0.1, for tests. */
export async function startScriptedReceiver(): Promise<ScriptedReceiver> {
  const scripts = new Map<string, Script>();
  const counts = new Map<string, number>();
  const receiver = await startLocalReceiver((request, response) => {
    const index = counts.get(request.path) ?? 0;
    counts.set(request.path, index + 1);
    const script = scripts.get(request.path);
    if (script) script(request, index, response);
    else response.end("ok");
  });
  return Object.assign(receiver, {
    url: (path: string) => `${receiver.origin}${path}`,
    script: (path: string, script: Script) => void scripts.set(path, script),
    received: (path: string) => receiver.requests.filter((request) => request.path === path),
  });
}

/** Answers with `status` (and optional headers). */
export function reply(response: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  response.writeHead(status, headers).end(String(status));
}
