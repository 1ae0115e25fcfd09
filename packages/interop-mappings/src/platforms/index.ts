import type { Platform } from "../event.js";
import type { PlatformAdapter } from "./adapter.js";
import { magento } from "./magento.js";
import { prestashop } from "./prestashop.js";
import { shopify } from "./shopify.js";
import { woocommerce } from "./woocommerce.js";

/** The built-in platforms by name. */
export const ADAPTERS: Readonly<Record<Platform, PlatformAdapter>> = { woocommerce, shopify, prestashop, magento };

/** The `@names` a mapping for `platform` may read besides `@topic`, `@shop` and `@header.*`. */
export function platformVarNames(platform: string): readonly string[] {
  return Object.hasOwn(ADAPTERS, platform) ? Object.keys(ADAPTERS[platform as Platform].vars ?? {}) : [];
}
