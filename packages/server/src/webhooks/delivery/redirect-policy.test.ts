import { describe, expect, it } from "vitest";
import { decideRedirect, type RedirectContext } from "./redirect-policy.js";

const from = new URL("https://hooks.example.com/relais?x=1");
const context = (overrides: Partial<RedirectContext>): RedirectContext => ({
  from,
  statusCode: 307,
  location: "/next",
  followed: 0,
  maxRedirects: 3,
  ...overrides,
});

describe("decideRedirect", () => {
  it.each([307, 308])("follows %i to a same-origin relative Location", (statusCode) => {
    const decision = decideRedirect(context({ statusCode }));
    expect(decision).toMatchObject({ follow: true, crossOrigin: false });
    if (decision.follow) expect(decision.url.href).toBe("https://hooks.example.com/next");
  });

  it("follows to another origin, saying so, and drops a fragment", () => {
    const decision = decideRedirect(context({ location: "https://other.example.net:8443/in#frag" }));
    expect(decision).toMatchObject({ follow: true, crossOrigin: true });
    if (decision.follow) expect(decision.url.href).toBe("https://other.example.net:8443/in");
  });

  it.each([300, 301, 302, 303, 304, 305, 306, 399])("treats %i as a failure", (statusCode) => {
    expect(decideRedirect(context({ statusCode }))).toMatchObject({ follow: false, errorClass: "redirect" });
  });

  it("stops at the redirect limit", () => {
    expect(decideRedirect(context({ followed: 2 }))).toMatchObject({ follow: true });
    expect(decideRedirect(context({ followed: 3 }))).toMatchObject({ follow: false, errorClass: "redirect_limit" });
    expect(decideRedirect(context({ maxRedirects: 0 }))).toMatchObject({ follow: false, errorClass: "redirect_limit" });
  });

  it.each([
    [undefined, "without a Location"],
    ["   ", "without a Location"],
    ["http://[::1", "not a valid URL"],
    ["ftp://hooks.example.com/", "unsupported scheme"],
    ["http://hooks.example.com/", "https to http"],
    ["https://user:secret@hooks.example.com/", "credentials"],
  ])("refuses Location %j", (location, reason) => {
    expect(decideRedirect(context({ location }))).toMatchObject({
      follow: false,
      errorClass: "redirect",
      message: expect.stringContaining(reason),
    });
  });

  it("lets a plain-http endpoint (allowed only with private targets) redirect to http or https", () => {
    const plain = new URL("http://127.0.0.1:3000/hook");
    expect(decideRedirect(context({ from: plain, location: "http://127.0.0.1:3001/" }))).toMatchObject({ follow: true });
    expect(decideRedirect(context({ from: plain, location: "https://hooks.example.com/" }))).toMatchObject({ follow: true });
  });
});
