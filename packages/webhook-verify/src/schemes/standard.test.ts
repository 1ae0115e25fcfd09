import { describe, expect, it } from "vitest";
import { verifyApis } from "../../test/apis.js";
import { signSync } from "../node.js";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const OTHER = "whsec_b3RoZXIgc2VjcmV0";
const BODY = '{"type":"plugin.error"}';
const NOW = new Date("2025-01-01T00:00:00Z");
const signed = signSync({ scheme: "standard", payload: BODY, secret: SECRET, id: "msg_std", timestamp: NOW });
const foreign = signSync({ scheme: "standard", payload: BODY, secret: OTHER, id: "msg_std", timestamp: NOW });
const good = signed["webhook-signature"];
const bad = foreign["webhook-signature"];
const verifyWith = (signature: string, extra: Record<string, string> = {}) => ({
  scheme: "standard" as const,
  payload: BODY,
  headers: { ...signed, "webhook-signature": signature, ...extra },
  secret: SECRET,
  now: NOW,
});

describe.each(verifyApis)("Standard Webhooks signature lists with $name", (api) => {
  it.each([
    ["separated by several spaces", `${bad}   ${good}`],
    ["joined with ', ' by a proxy that merged repeated headers", `${bad}, ${good}`],
    ["with surrounding spaces", `  ${good} `],
    ["next to a version this package does not know", `v9,whatever ${good}`],
  ])("finds the matching signature %s", async (_layout, signature) => {
    await expect(api.verify(verifyWith(signature))).resolves.toMatchObject({ id: "msg_std" });
  });

  it("does not accept a v1 signature presented as v1a, or the reverse", async () => {
    await expect(api.verify(verifyWith(good.replace("v1,", "v1a,")))).rejects.toMatchObject({ code: "invalid_signature" });
  });

  it("prefers webhook-* over svix-* when both are sent", async () => {
    const headers = { ...signed, "svix-id": "msg_other", "svix-timestamp": "1", "svix-signature": bad };
    await expect(api.verify({ ...verifyWith(good), headers })).resolves.toMatchObject({ id: "msg_std" });
  });

  it("checks the signature against the timestamp text as sent, so zero-padding it breaks the match", async () => {
    const headers = { ...signed, "webhook-timestamp": `0${signed["webhook-timestamp"]}` };
    await expect(api.verify({ ...verifyWith(good), headers })).rejects.toMatchObject({ code: "invalid_signature" });
  });

  it("treats empty header values as missing", async () => {
    await expect(api.verify(verifyWith(good, { "webhook-id": "" }))).rejects.toMatchObject({ code: "missing_header" });
    await expect(api.verify(verifyWith(""))).rejects.toMatchObject({ code: "missing_header" });
  });
});
