import { describe, expect, it } from "vitest";
import { validateWebhookUrl } from "./webhook-url.js";

const strict = { allowPrivate: false };
const permissive = { allowPrivate: true };

describe("validateWebhookUrl", () => {
  it("accepts an https URL with a hostname, a port, a path and a query", () => {
    const result = validateWebhookUrl("https://hooks.example.com:8443/relais?shop=42", strict);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.url.port).toBe("8443");
  });

  it("refuses http unless private targets are allowed", () => {
    expect(validateWebhookUrl("http://hooks.example.com/", strict)).toMatchObject({ ok: false, code: "insecure_scheme" });
    expect(validateWebhookUrl("http://hooks.example.com/", permissive)).toMatchObject({ ok: true });
  });

  it.each(["ftp://hooks.example.com/", "file:///etc/passwd", "javascript:alert(1)", "gopher://127.0.0.1:6379/"])(
    "refuses the scheme of %s even with allowPrivate",
    (url) => {
      expect(validateWebhookUrl(url, permissive)).toMatchObject({ ok: false, code: "invalid_url" });
    },
  );

  it.each(["not a url", "/relative/path", "https://", ""])("refuses %j as not a URL", (url) => {
    expect(validateWebhookUrl(url, strict)).toMatchObject({ ok: false, code: "invalid_url" });
  });

  it("refuses credentials and fragments", () => {
    expect(validateWebhookUrl("https://user:pass@hooks.example.com/", strict)).toMatchObject({
      ok: false,
      code: "invalid_url",
      message: expect.stringContaining("credentials"),
    });
    expect(validateWebhookUrl("https://user@hooks.example.com/", strict)).toMatchObject({ ok: false, code: "invalid_url" });
    expect(validateWebhookUrl("https://hooks.example.com/#x", strict)).toMatchObject({
      ok: false,
      message: expect.stringContaining("fragment"),
    });
    expect(validateWebhookUrl("https://hooks.example.com/#", strict)).toMatchObject({ ok: false, code: "invalid_url" });
  });

  it("refuses overlong URLs", () => {
    expect(validateWebhookUrl(`https://hooks.example.com/${"a".repeat(2100)}`, strict)).toMatchObject({
      ok: false,
      code: "invalid_url",
    });
  });

  it.each([
    "https://127.0.0.1/",
    "https://[::1]:8443/",
    "https://[::ffff:127.0.0.1]/",
    "https://169.254.169.254/latest/meta-data",
    "https://10.0.0.1/",
    "https://2130706433/",
    "https://0x7f.1/",
    "https://localhost/",
    "https://LOCALHOST./",
    "https://api.localhost/",
  ])("refuses the internal target %s at once", (url) => {
    expect(validateWebhookUrl(url, strict)).toMatchObject({ ok: false, code: "forbidden_address" });
  });

  it("names the range of a refused IP literal", () => {
    expect(validateWebhookUrl("https://192.168.0.10/", strict)).toMatchObject({
      message: expect.stringContaining("private"),
    });
  });

  it("accepts a public IP literal, and internal targets when private targets are allowed", () => {
    expect(validateWebhookUrl("https://8.8.8.8/hook", strict)).toMatchObject({ ok: true });
    expect(validateWebhookUrl("https://[2606:4700:4700::1111]/hook", strict)).toMatchObject({ ok: true });
    expect(validateWebhookUrl("http://127.0.0.1:3000/hook", permissive)).toMatchObject({ ok: true });
    expect(validateWebhookUrl("http://localhost:3000/hook", permissive)).toMatchObject({ ok: true });
  });
});
