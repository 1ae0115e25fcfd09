import ipaddr from "ipaddr.js";

/** Whether a webhook may connect to an address, and if not, which range refused it. */
export interface AddressVerdict {
  forbidden: boolean;
  /** The named range that refused the address, e.g. `loopback`, `private`, `metadata`. */
  range?: string;
}

/** Decides whether an IP address may be connected to; {@link isForbiddenAddress} is the default. */
export type AddressPolicy = (ip: string) => AddressVerdict;

// Cloud metadata services, named apart so an attempt log says what was being reached for.
const METADATA_ADDRESSES = new Set(["169.254.169.254", "fd00:ec2:0:0:0:0:0:254"]);

// IPv6 space outside 2000::/3 is unassigned or special-purpose; nothing a webhook needs lives there.
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR("2000::/3");

const ALLOWED: AddressVerdict = { forbidden: false };

function forbidden(range: string): AddressVerdict {
  return { forbidden: true, range };
}

function judgeIPv4(address: ipaddr.IPv4): AddressVerdict {
  if (METADATA_ADDRESSES.has(address.toString())) return forbidden("metadata");
  const range = address.range();
  // Only plain unicast is reachable; every named range (private, loopback, reserved, ...) is refused.
  return range === "unicast" ? ALLOWED : forbidden(range);
}

function ipv4FromWords(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** Judges an IPv4 address carried inside an IPv6 one, naming both in the refused range. */
function judgeEmbedded(kind: string, embedded: ipaddr.IPv4): AddressVerdict {
  const verdict = judgeIPv4(embedded);
  return verdict.forbidden ? forbidden(`${kind}:${verdict.range}`) : ALLOWED;
}

function judgeIPv6(address: ipaddr.IPv6): AddressVerdict {
  if (METADATA_ADDRESSES.has(address.toNormalizedString())) return forbidden("metadata");
  const parts = address.parts;
  const range = address.range();
  switch (range) {
    case "ipv4Mapped":
      // The kernel sends ::ffff:a.b.c.d to a.b.c.d over IPv4, so it is judged as that address.
      return judgeEmbedded("ipv4Mapped", address.toIPv4Address());
    case "rfc6145":
      return judgeEmbedded("rfc6145", ipv4FromWords(parts[6]!, parts[7]!));
    case "rfc6052":
      // Only the well-known NAT64 prefix 64:ff9b::/96 places the IPv4 in the last 32 bits;
      // the local-use prefix 64:ff9b:1::/48 routes into an operator's own network.
      if (address.match(ipaddr.IPv6.parseCIDR("64:ff9b::/96"))) {
        return judgeEmbedded("nat64", ipv4FromWords(parts[6]!, parts[7]!));
      }
      return forbidden("nat64LocalUse");
    case "6to4":
      return judgeEmbedded("6to4", ipv4FromWords(parts[1]!, parts[2]!));
    case "teredo": {
      // Teredo carries the relay server's IPv4 in clear and the client's IPv4 with its bits flipped.
      const server = judgeEmbedded("teredo", ipv4FromWords(parts[2]!, parts[3]!));
      if (server.forbidden) return server;
      return judgeEmbedded("teredo", ipv4FromWords(parts[6]! ^ 0xffff, parts[7]! ^ 0xffff));
    }
    case "unicast":
      return address.match(GLOBAL_UNICAST_V6) ? ALLOWED : forbidden("reserved");
    default:
      return forbidden(range);
  }
}

/**
 * The SSRF address policy: whether a webhook delivery may connect to `ip`.
 *
 * Refuses loopback, private (RFC 1918), link-local, CGNAT, unspecified, multicast, broadcast,
 * reserved and documentation ranges, unique-local IPv6, IPv6 outside global unicast, and cloud
 * metadata addresses. IPv6 forms that carry an IPv4 address (IPv4-mapped, IPv4-translated,
 * NAT64 `64:ff9b::/96`, 6to4, Teredo) are judged by the IPv4 they carry. Anything that does not
 * parse as an IP address is refused (`range: "invalid"`).
 *
 * @example
 * isForbiddenAddress("10.0.0.1");          // { forbidden: true, range: "private" }
 * isForbiddenAddress("::ffff:127.0.0.1");  // { forbidden: true, range: "ipv4Mapped:loopback" }
 * isForbiddenAddress("8.8.8.8");           // { forbidden: false }
 */
export function isForbiddenAddress(ip: string): AddressVerdict {
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.parse(ip);
  } catch {
    return forbidden("invalid");
  }
  return address.kind() === "ipv4"
    ? judgeIPv4(address as ipaddr.IPv4)
    : judgeIPv6(address as ipaddr.IPv6);
}
