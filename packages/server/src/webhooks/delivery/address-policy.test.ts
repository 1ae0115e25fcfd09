import { describe, expect, it } from "vitest";
import { isForbiddenAddress } from "./address-policy.js";

// Pure policy checks: nothing here opens a socket.
describe("isForbiddenAddress", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.1.2.3", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "ipv4Mapped:loopback"],
    ["::ffff:7f00:1", "ipv4Mapped:loopback"],
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "metadata"],
    ["100.64.0.1", "carrierGradeNat"],
    ["0.0.0.0", "unspecified"],
    ["fe80::1", "linkLocal"],
    ["fc00::1", "uniqueLocal"],
    ["fd00:ec2::254", "metadata"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "broadcast"],
  ])("refuses %s (%s)", (ip, range) => {
    expect(isForbiddenAddress(ip)).toEqual({ forbidden: true, range });
  });

  it.each(["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "172.32.0.1", "100.128.0.1"])(
    "allows public unicast %s",
    (ip) => {
      expect(isForbiddenAddress(ip)).toEqual({ forbidden: false });
    },
  );

  it.each([
    ["169.254.1.1", "linkLocal"],
    ["0.1.2.3", "unspecified"],
    ["::", "unspecified"],
    ["ff02::1", "multicast"],
    ["fd12:3456::1", "uniqueLocal"],
    ["192.0.2.10", "reserved"],
    ["198.18.0.1", "reserved"],
    ["240.0.0.1", "reserved"],
    ["2001:db8::1", "reserved"],
    ["fec0::1", "deprecatedSiteLocal"],
  ])("refuses the rest of the special ranges: %s (%s)", (ip, range) => {
    expect(isForbiddenAddress(ip)).toEqual({ forbidden: true, range });
  });

  it("refuses IPv6 outside global unicast 2000::/3, including deprecated IPv4-compatible forms", () => {
    expect(isForbiddenAddress("::7f00:1")).toEqual({ forbidden: true, range: "reserved" });
    expect(isForbiddenAddress("4000::1")).toEqual({ forbidden: true, range: "reserved" });
  });

  it("judges IPv6 forms that carry an IPv4 address by that address", () => {
    expect(isForbiddenAddress("::ffff:10.1.2.3")).toEqual({ forbidden: true, range: "ipv4Mapped:private" });
    expect(isForbiddenAddress("::ffff:169.254.169.254")).toEqual({ forbidden: true, range: "ipv4Mapped:metadata" });
    expect(isForbiddenAddress("::ffff:0:a00:1")).toEqual({ forbidden: true, range: "rfc6145:private" });
    expect(isForbiddenAddress("64:ff9b::7f00:1")).toEqual({ forbidden: true, range: "nat64:loopback" });
    expect(isForbiddenAddress("2002:a9fe:a9fe::1")).toEqual({ forbidden: true, range: "6to4:metadata" });
    // Teredo client 127.0.0.1 is stored with its bits flipped: 80ff:fffe.
    expect(isForbiddenAddress("2001:0:4136:e378:8000:63bf:80ff:fffe")).toEqual({
      forbidden: true,
      range: "teredo:loopback",
    });
    expect(isForbiddenAddress("2001:0:a00:1::")).toEqual({ forbidden: true, range: "teredo:private" });
  });

  it("allows those forms when the IPv4 they carry is public", () => {
    expect(isForbiddenAddress("::ffff:8.8.8.8")).toEqual({ forbidden: false });
    expect(isForbiddenAddress("64:ff9b::808:808")).toEqual({ forbidden: false });
    expect(isForbiddenAddress("2002:808:808::1")).toEqual({ forbidden: false });
  });

  it("refuses the NAT64 local-use prefix, whose IPv4 position depends on the operator", () => {
    expect(isForbiddenAddress("64:ff9b:1::808:808")).toEqual({ forbidden: true, range: "nat64LocalUse" });
  });

  it("judges legacy IPv4 spellings by the address they denote", () => {
    expect(isForbiddenAddress("2130706433")).toEqual({ forbidden: true, range: "loopback" });
    expect(isForbiddenAddress("0x7f.0.0.1")).toEqual({ forbidden: true, range: "loopback" });
  });

  it("fails closed on anything that is not an IP address", () => {
    expect(isForbiddenAddress("localhost")).toEqual({ forbidden: true, range: "invalid" });
    expect(isForbiddenAddress("")).toEqual({ forbidden: true, range: "invalid" });
    expect(isForbiddenAddress("1.2.3.4.5")).toEqual({ forbidden: true, range: "invalid" });
  });
});
