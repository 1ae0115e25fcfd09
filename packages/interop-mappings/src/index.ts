export { CURRENCY_EXPONENTS, currencyExponent } from "./currencies.js";
export { toUtcIso } from "./dates.js";
export { InteropError, type InteropErrorCode, type MappingIssue } from "./errors.js";
export {
  NORMALIZED_EVENT_TYPES,
  type NormalizedEvent,
  type NormalizedEventType,
  normalizedEventSchema,
  PLATFORMS,
  type Platform,
  type SourcePlatform,
} from "./event.js";
export type { HeadersInput } from "./headers.js";
export { builtInMapping } from "./mapping/builtin.js";
export { mappingSchema } from "./mapping/schema.js";
export type { JsonScalar, JsonValue, Mapping, MappingExpr, MappingPath, MappingRule, MoneyExpr } from "./mapping/types.js";
export { type MappingValidation, validateMapping } from "./mapping/validate.js";
export { fromMinorUnits, type Money, toMinorUnits } from "./money.js";
export { applyMapping, type NormalizeInput, normalize } from "./normalize.js";
export { PLATFORM_SCHEMES, type VerifyDeliveryInput, verifyAndNormalize } from "./verify.js";
