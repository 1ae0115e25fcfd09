import { promises as dns, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, buildConnector } from "undici";
import { isForbiddenAddress, type AddressPolicy } from "./address-policy.js";

/** Raised at connect time when a delivery would reach a forbidden address. */
export class SsrfBlockedError extends Error {
  readonly code = "forbidden_address";
  override readonly name = "SsrfBlockedError";

  constructor(
    /** The host as the URL named it. */
    readonly hostname: string,
    /** The address the host is, or resolved to. */
    readonly address: string,
    /** The forbidden range the address lies in. */
    readonly range: string,
  ) {
    super(`refused to connect to ${hostname} (${address}): address is in a forbidden range (${range})`);
  }
}

/**
 * Resolves a hostname to all its addresses; the shape of `dns.promises.lookup` with `all: true`.
 * Injected in tests so a hostname can deterministically resolve to a private address.
 */
export type ResolveHost = (
  hostname: string,
  options: { all: true; family?: number | "IPv4" | "IPv6"; hints?: number },
) => Promise<LookupAddress[]>;

/** Options for {@link createDeliveryAgent}. */
export interface DeliveryAgentOptions {
  /** `RELAIS_WEBHOOK_ALLOW_PRIVATE`: skip the address policy (development and tests only). */
  allowPrivate: boolean;
  /** Pooled connections per origin. Default 16. */
  connections?: number;
  /** Host resolution; default `dns.promises.lookup`. */
  lookup?: ResolveHost;
  /** The address policy; default {@link isForbiddenAddress}. Tests use it to admit one address. */
  addressPolicy?: AddressPolicy;
  /** Connect timeout in ms. Default 10 s; an attempt's own total timeout is usually shorter. */
  connectTimeoutMs?: number;
}

/** The first forbidden address in a resolution, as an error, or undefined when all are allowed. */
function firstForbidden(
  hostname: string,
  addresses: readonly LookupAddress[],
  policy: AddressPolicy,
): SsrfBlockedError | undefined {
  for (const { address } of addresses) {
    const verdict = policy(address);
    if (verdict.forbidden) return new SsrfBlockedError(hostname, address, verdict.range ?? "unknown");
  }
  return undefined;
}

/**
 * A `net.connect` lookup that resolves every address of a host and refuses the connection when
 * any of them is forbidden. Refusing a mixed answer, rather than filtering it, keeps a public
 * record from smuggling an internal one in and keeps delivery deterministic.
 */
export function createGuardedLookup(resolve: ResolveHost, policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { all: true, family: options.family, hints: options.hints }).then(
      (addresses) => {
        const blocked = firstForbidden(hostname, addresses, policy);
        if (blocked) return callback(blocked, []);
        if (options.all) return callback(null, addresses);
        const first = addresses[0];
        if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: "ENOTFOUND" }), "");
        callback(null, first.address, first.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}

/**
 * The pooled, keep-alive undici `Agent` every delivery goes through. Unless `allowPrivate` is set,
 * each new connection is checked where it is made: IP-literal hosts before connecting, hostnames
 * after resolving them, so DNS that changes between validation and delivery (rebinding) and
 * redirects to internal hosts are refused with {@link SsrfBlockedError}.
 *
 * @example
 * const agent = createDeliveryAgent({ allowPrivate: config.webhookAllowPrivate });
 * const result = await sendAttempt({ dispatcher: agent, url, body, headers });
 * await agent.close(); // at shutdown
 */
export function createDeliveryAgent(options: DeliveryAgentOptions): Agent {
  const policy: AddressPolicy = options.allowPrivate
    ? () => ({ forbidden: false })
    : (options.addressPolicy ?? isForbiddenAddress);
  const connectWithLookup = buildConnector({
    timeout: options.connectTimeoutMs ?? 10_000,
    lookup: createGuardedLookup(options.lookup ?? dns.lookup, policy),
  });
  const connect: buildConnector.connector = (target, callback) => {
    // net.connect skips the lookup for IP literals, so those are judged here.
    const family = isIP(target.hostname);
    if (family !== 0) {
      const blocked = firstForbidden(target.hostname, [{ address: target.hostname, family }], policy);
      if (blocked) {
        queueMicrotask(() => callback(blocked, null));
        return;
      }
    }
    connectWithLookup(target, callback);
  };
  return new Agent({ connections: options.connections ?? 16, connect });
}
