/**
 * A shop identifier in the form the platforms' headers are compared in: lower case, without
 * scheme and without trailing slashes
 * (`https://Boutique.example/fr/` → `boutique.example/fr`), as `@relais/interop-mappings`
 * reads `X-WC-Webhook-Source`.
 */
export function canonicalShop(value: string): string {
  return value.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/\/+$/, "");
}
