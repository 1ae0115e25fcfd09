import { isLosslessNumber } from "lossless-json";

/** A parsed mapping path: the payload, a delivery value, or a platform-computed value. */
export type ParsedPath =
  | { root: "payload"; segments: readonly (string | number)[] }
  | { root: "topic" | "shop" }
  | { root: "header"; name: string }
  | { root: "var"; name: string };

const NAME = /^[A-Za-z_$][\w$-]*/;
const INDEX = /^\[(\d+)\]/;
const QUOTED = /^\[("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')\]/;
const VAR = /^@([a-z_][a-z0-9_]*)$/;
const HEADER = /^@header\.([A-Za-z0-9-]+)$/;

/**
 * Parses `$.a.b[0]["c d"]`, `@topic`, `@shop`, `@header.x-name` or `@name`.
 * Returns a message instead when the syntax is wrong.
 */
export function parsePath(text: string): ParsedPath | string {
  if (text.startsWith("@")) {
    const header = HEADER.exec(text);
    if (header !== null) return { root: "header", name: (header[1] ?? "").toLowerCase() };
    const name = VAR.exec(text)?.[1];
    if (name === undefined) return `"${text}" is not a valid @ reference (use @topic, @shop, @header.<name> or @<name>)`;
    return name === "topic" || name === "shop" ? { root: name } : { root: "var", name };
  }
  if (!text.startsWith("$")) return `"${text}" is not a path: paths start with "$" (payload) or "@"`;
  const segments: (string | number)[] = [];
  let rest = text.slice(1);
  while (rest !== "") {
    if (rest.startsWith(".")) {
      const name = NAME.exec(rest.slice(1))?.[0];
      if (name === undefined) return `"${text}": expected a name after "."`;
      segments.push(name);
      rest = rest.slice(1 + name.length);
      continue;
    }
    const index = INDEX.exec(rest);
    if (index !== null) {
      segments.push(Number(index[1]));
      rest = rest.slice(index[0].length);
      continue;
    }
    const quoted = QUOTED.exec(rest);
    if (quoted !== null) {
      const literal = quoted[1] ?? "";
      segments.push(literal.slice(1, -1).replace(/\\(.)/g, "$1"));
      rest = rest.slice(quoted[0].length);
      continue;
    }
    return `"${text}": unexpected "${rest.slice(0, 12)}" (use .name, [0] or ["name"])`;
  }
  return { root: "payload", segments };
}

/** Formats payload segments back into a path, e.g. for error messages. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = "$";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Marks a value that is absent, as opposed to present and `null`. */
export const MISSING: unique symbol = Symbol("missing");

/** Reads `segments` from `value`; own properties only, so `$.constructor` is missing. */
export function readPath(value: unknown, segments: readonly (string | number)[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (current === null) return null;
    if (typeof segment === "number") {
      if (!Array.isArray(current) || segment >= current.length) return MISSING;
      current = current[segment];
    } else {
      if (typeof current !== "object" || Array.isArray(current) || isLosslessNumber(current)) return MISSING;
      if (!Object.hasOwn(current, segment)) return MISSING;
      current = (current as Record<string, unknown>)[segment];
    }
    if (current === undefined) return MISSING;
  }
  return current;
}
