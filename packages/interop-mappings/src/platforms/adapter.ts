import type { Platform } from "../event.js";
import type { HeaderReader } from "../headers.js";
import type { PlatformVar } from "../mapping/context.js";
import type { Mapping } from "../mapping/types.js";

/**
 * What a built-in platform adds around its declarative mapping: where its deliveries carry
 * the topic and shop, envelopes to open, and the few values that need code.
 */
export interface PlatformAdapter {
  platform: Platform;
  mapping: Mapping;
  /** Lower-case header naming the topic. */
  topicHeader?: string;
  /** The shop named by the delivery's headers. */
  shopFromHeaders?: (header: HeaderReader) => string | undefined;
  /** The topic carried inside the body (a hook name, a CloudEvents type). */
  topicFromBody?: (body: unknown) => string | undefined;
  /** One spelling per topic, e.g. a CloudEvents type reduced to the observer event name. */
  canonicalTopic?: (topic: string) => string;
  /** What `$` paths read, when the entity sits inside an envelope. */
  payload?: (body: unknown) => unknown;
  /** Values computed in code, readable in mappings as `@name`. */
  vars?: Readonly<Record<string, PlatformVar>>;
  /** True for a body that is a connectivity check rather than an event. */
  isPing?: (text: string) => boolean;
}
