import { InteropError } from "./errors.js";
import { PLATFORMS, type NormalizedEvent, type SourcePlatform } from "./event.js";
import { type HeadersInput, headerReader } from "./headers.js";
import { parseJsonBody } from "./json.js";
import { runRule } from "./mapping/apply.js";
import { type CompiledMapping, compileMapping } from "./mapping/compile-mapping.js";
import type { EvalContext } from "./mapping/context.js";
import type { Compiled } from "./mapping/compile.js";
import { MISSING } from "./mapping/path.js";
import type { Mapping } from "./mapping/types.js";
import type { PlatformAdapter } from "./platforms/adapter.js";
import { ADAPTERS } from "./platforms/index.js";
import { describeKind, isRecord } from "./values.js";

/** One delivery to normalize. */
export interface NormalizeInput {
  platform: SourcePlatform;
  /** The platform's topic; read from `X-Shopify-Topic` / `X-WC-Webhook-Topic` (or the body) when omitted. */
  topic?: string;
  /** The raw body (text or bytes, parsed losslessly) or an already parsed object. */
  body: string | Uint8Array | ArrayBuffer | object;
  headers?: HeadersInput;
  /** The shop; read from `X-Shopify-Shop-Domain` / `X-WC-Webhook-Source` (or the body) when omitted. */
  shop?: string | null;
  /** A mapping overriding (some topics of) the built-in one; required for `platform: "custom"`. */
  mapping?: Mapping;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Turns one platform delivery into a {@link NormalizedEvent}. Synchronous; throws
 * `InteropError` (never a `TypeError`) with a stable `code` on bad input.
 *
 * @example
 * const event = normalize({ platform: "shopify", body: req.rawBody, headers: req.headers });
 * event.type;    // "payment.succeeded"
 * event.amount;  // { value: 2935, currency: "EUR" }
 * event.order?.id; // "5000000000000000001", exact
 */
export function normalize(input: NormalizeInput): NormalizedEvent {
  checkInput(input);
  const { platform } = input;
  const adapter = platformAdapter(platform);
  if (adapter === undefined && input.mapping === undefined) {
    throw new InteropError("invalid_mapping", 'platform "custom" needs a mapping');
  }
  const custom = input.mapping === undefined ? undefined : compileMapping(input.mapping);
  if (custom !== undefined && custom.platform !== platform) {
    throw new InteropError("invalid_mapping", `the mapping is for "${custom.platform}", not "${platform}"`, "$.platform");
  }
  const builtIn = adapter === undefined ? undefined : compileMapping(adapter.mapping);
  const header = headerReader(input.headers);
  const raw = readBody(input.body, adapter);
  const ctx: EvalContext = {
    payload: adapter?.payload === undefined ? raw : adapter.payload(raw),
    topic: "",
    shop: null,
    header,
    vars: adapter?.vars ?? {},
    warnings: [],
  };
  const topic = resolveTopic(input.topic, adapter, raw, ctx, custom);
  ctx.topic = topic;
  const rule = custom?.rules.get(topic) ?? builtIn?.rules.get(topic);
  if (rule === undefined) {
    const known = [...new Set([...(custom?.rules.keys() ?? []), ...(builtIn?.rules.keys() ?? [])])].join(", ");
    throw new InteropError("unknown_topic", `no mapping for ${platform} topic "${topic}" (known: ${known})`);
  }
  ctx.shop =
    input.shop !== undefined
      ? input.shop
      : (adapter?.shopFromHeaders?.(header) || readText(custom?.shop ?? builtIn?.shop, ctx)) ?? null;
  return runRule(rule, ctx, { platform, raw });
}

/**
 * Applies a mapping document to one delivery: `normalize` with `platform` taken from the
 * mapping. For a built-in platform, topics the mapping does not list use the built-in rules.
 *
 * @example
 * applyMapping(acmeMapping, { body: '{"event":"sale.paid", ...}' });
 */
export function applyMapping(mapping: Mapping, input: Omit<NormalizeInput, "platform" | "mapping">): NormalizedEvent {
  // Validated first, so that a document from outside fails as invalid_mapping, whatever it holds.
  return normalize({ ...input, platform: compileMapping(mapping).platform, mapping });
}

/** Guards for JavaScript callers; the types already say as much. */
function checkInput(input: NormalizeInput): void {
  if (!isRecord(input)) throw new InteropError("invalid_body", `normalize needs an input object, got ${describeKind(input)}`);
  if (input.topic !== undefined && typeof input.topic !== "string") {
    throw new InteropError("unknown_topic", `topic must be a string, got ${describeKind(input.topic)}`);
  }
  if (input.shop !== undefined && input.shop !== null && typeof input.shop !== "string") {
    throw new InteropError("invalid_field", `shop must be a string or null, got ${describeKind(input.shop)}`);
  }
}

function platformAdapter(platform: string): PlatformAdapter | undefined {
  if (platform === "custom") return undefined;
  if (!(PLATFORMS as readonly string[]).includes(platform)) {
    throw new InteropError("unknown_platform", `unknown platform "${platform}" (expected ${PLATFORMS.join(", ")} or custom)`);
  }
  return ADAPTERS[platform as keyof typeof ADAPTERS];
}

function readBody(body: NormalizeInput["body"], adapter: PlatformAdapter | undefined): Record<string, unknown> {
  if (typeof body === "string" || body instanceof Uint8Array || body instanceof ArrayBuffer) {
    const text = typeof body !== "string" ? decode(body) : body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
    if (adapter?.isPing?.(text) === true) {
      throw new InteropError("webhook_ping", `${adapter.platform} connectivity check, not an event`);
    }
    return asRecord(parseJsonBody(text));
  }
  return asRecord(body);
}

function decode(bytes: Uint8Array | ArrayBuffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new InteropError("invalid_json", "body is not valid UTF-8");
  }
}

function asRecord(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new InteropError("invalid_body", `expected a JSON object as body, got ${describeKind(value)}`);
  return value;
}

function resolveTopic(
  given: string | undefined,
  adapter: PlatformAdapter | undefined,
  raw: unknown,
  ctx: EvalContext,
  custom: CompiledMapping | undefined,
): string {
  const found =
    given ??
    (adapter?.topicHeader === undefined ? undefined : ctx.header(adapter.topicHeader)) ??
    adapter?.topicFromBody?.(raw) ??
    readText(custom?.topic, ctx);
  if (found === undefined || found === "") {
    throw new InteropError("unknown_topic", "no topic given, and none found in the headers or the body");
  }
  return adapter?.canonicalTopic === undefined ? found : adapter.canonicalTopic(found);
}

function readText(expr: Compiled | undefined, ctx: EvalContext): string | undefined {
  if (expr === undefined) return undefined;
  const value = expr.evaluate(ctx);
  if (value === MISSING || value === null || value === "") return undefined;
  if (typeof value !== "string") throw new InteropError("invalid_field", "expected a string", expr.source);
  return value;
}
