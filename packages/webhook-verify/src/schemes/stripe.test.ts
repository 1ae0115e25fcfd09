import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifyApis } from "../../test/apis.js";

const SECRET = "whsec_stripe_parsing";
const BODY = '{"id":"evt_1","type":"charge.refunded"}';
const T = 1_735_689_600;
const v1 = createHmac("sha256", SECRET).update(`${T}.${BODY}`).digest("hex");
const options = (header: string) => ({
  scheme: "stripe" as const,
  payload: BODY,
  headers: { "stripe-signature": header },
  secret: SECRET,
  now: new Date(T * 1000),
});

describe.each(verifyApis)("Stripe-Signature parsing with $name", (api) => {
  it.each([
    ["in any order", `v1=${v1},t=${T}`],
    ["with spaces after commas", `t=${T}, v1=${v1}`],
    ["with unknown keys", `t=${T},v1=${v1},x=1`],
    ["with an upper-case digest", `t=${T},v1=${v1.toUpperCase()}`],
  ])("accepts the header %s", async (_layout, header) => {
    await expect(api.verify(options(header))).resolves.toMatchObject({ scheme: "stripe", id: undefined });
  });

  it("reports the signed time as a Date", async () => {
    const webhook = await api.verify(options(`t=${T},v1=${v1}`));
    expect(webhook.timestamp).toEqual(new Date(T * 1000));
  });

  it("rejects a digest shortened to fewer than 32 bytes", async () => {
    await expect(api.verify(options(`t=${T},v1=${v1.slice(0, 62)}`))).rejects.toMatchObject({ code: "invalid_signature" });
  });
});
