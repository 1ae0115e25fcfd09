import { WebhookVerificationError } from "../errors.js";
import type { WebhookScheme } from "../types.js";
import { gitHubScheme } from "./github.js";
import type { SchemeDefinition } from "./scheme.js";
import { shopifyScheme } from "./shopify.js";
import { standardScheme } from "./standard.js";
import { stripeScheme } from "./stripe.js";
import { wooCommerceScheme } from "./woocommerce.js";

const SCHEMES: { readonly [S in WebhookScheme]: SchemeDefinition<S> } = {
  standard: standardScheme,
  stripe: stripeScheme,
  shopify: shopifyScheme,
  woocommerce: wooCommerceScheme,
  github: gitHubScheme,
};

/** Every scheme name this package understands. */
export const WEBHOOK_SCHEMES = Object.freeze(Object.keys(SCHEMES)) as readonly WebhookScheme[];

/** The definition of `scheme`; callers from plain JavaScript may pass anything. */
export function schemeDefinition<S extends WebhookScheme>(scheme: S): SchemeDefinition<S> {
  if (typeof scheme !== "string" || !Object.hasOwn(SCHEMES, scheme)) {
    throw new WebhookVerificationError(
      "unsupported_scheme",
      `unsupported webhook scheme ${JSON.stringify(String(scheme))}; expected one of ${WEBHOOK_SCHEMES.join(", ")}`,
    );
  }
  return SCHEMES[scheme] as SchemeDefinition<S>;
}
