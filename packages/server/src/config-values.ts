import { z } from "zod";

// Parsers for the values of individual environment variables; config.ts composes them.

/** A whole number ≥ 1; `what` names the unit in the error. */
export const positiveInt = (what: string) =>
  z.coerce.number({ error: `must be ${what}` }).int({ error: "must be a whole number" }).min(1, { error: "must be at least 1" });

/** `true`/`1`/`yes`/`on` or `false`/`0`/`no`/`off`, any case. */
export const flag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => ["true", "1", "yes", "on", "false", "0", "no", "off"].includes(value), { error: "must be true or false" })
  .transform((value) => ["true", "1", "yes", "on"].includes(value));

/** 32 bytes in base64, parsed to a Buffer. */
export const masterKey = z
  .string()
  .trim()
  .refine((value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, "base64").length === 32, {
    error: "must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)",
  })
  .transform((value) => Buffer.from(value, "base64"));

/** An http(s) URL. */
export const httpUrl = z.string().trim().refine((value) => /^https?:\/\/[^\s]+$/.test(value) && URL.canParse(value), {
  error: "must be an http(s) URL",
});

const notJwks = 'must be a JWKS: {"keys": [...]}';
/** A JSON Web Key Set given as JSON text. */
export const jwks = z
  .string()
  .transform((value, context) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      context.addIssue({ code: "custom", message: "must be JSON" });
      return z.NEVER;
    }
  })
  .pipe(
    z.object(
      { keys: z.array(z.record(z.string(), z.unknown()), { error: notJwks }).min(1, { error: notJwks }) },
      { error: notJwks },
    ),
  );

/** A comma-separated list of origins (scheme, host, port; no path). */
export const origins = z
  .string()
  .transform((value) => value.split(",").map((origin) => origin.trim()).filter(Boolean))
  .refine((list) => list.every((origin) => URL.canParse(origin) && new URL(origin).origin === origin), {
    error: "must be a comma-separated list of origins such as https://console.example.com",
  });
