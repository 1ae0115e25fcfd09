import { resolveCurrency } from "../currencies.js";
import { toUtcIso } from "../dates.js";
import { InteropError } from "../errors.js";
import { type Money, parseAmount } from "../money.js";
import { describeKind, scalarKey } from "../values.js";
import type { EvalContext } from "./context.js";
import { MISSING, parsePath, readPath } from "./path.js";
import type { JsonScalar, MappingExpr, MoneyExpr } from "./types.js";

/** A compiled expression; `source` names it in messages and error paths. */
export interface Compiled<T = unknown> {
  evaluate: (ctx: EvalContext) => T | null | typeof MISSING;
  source: string;
}

/** Turns a validated expression into a closure; paths are parsed once, here. */
export function compileExpr(expr: MappingExpr): Compiled {
  if (typeof expr === "string") return compilePath(expr);
  if ("const" in expr) {
    const value = expr.const;
    return { evaluate: () => value, source: JSON.stringify(value) };
  }
  if ("upper" in expr) return compileUpper(compileExpr(expr.upper));
  if ("date" in expr) return compileDate(compileExpr(expr.date), expr.zone === undefined ? undefined : compileExpr(expr.zone));
  if ("lookup" in expr) return compileLookup(compileExpr(expr.lookup), expr.table, expr.default);
  return compileCoalesce(expr.coalesce.map(compileExpr), expr.warn);
}

/** Compiles an amount expression into a closure producing {@link Money}. */
export function compileMoney(expr: MoneyExpr): Compiled<Money> {
  if ("coalesce" in expr) return compileCoalesce(expr.coalesce.map(compileMoney), expr.warn);
  const amounts = (Array.isArray(expr.money) ? expr.money : [expr.money]).map(compileExpr);
  const currency = compileExpr(expr.currency);
  const negate = expr.negate === true;
  return {
    source: amounts.map((a) => a.source).join(" + "),
    evaluate: (ctx) => {
      const values: unknown[] = [];
      for (const amount of amounts) {
        const value = amount.evaluate(ctx);
        if (value === MISSING || value === null) return value;
        values.push(value);
      }
      const code = currency.evaluate(ctx);
      if (code === MISSING || code === null || code === "") {
        throw new InteropError("missing_field", "the currency of an amount is missing", currency.source);
      }
      if (typeof code !== "string") {
        throw new InteropError("unknown_currency", `expected a currency code, got ${describeKind(code)}`, currency.source);
      }
      const { code: upper, exponent } = resolveCurrency(code, currency.source);
      let total = 0;
      values.forEach((value, i) => {
        total += parseAmount(value, exponent, amounts[i]?.source, negate);
      });
      if (!Number.isSafeInteger(total)) {
        throw new InteropError("amount_out_of_range", "the sum is beyond Number.MAX_SAFE_INTEGER minor units", amounts[0]?.source);
      }
      return { value: total, currency: upper };
    },
  };
}

function compilePath(text: string): Compiled {
  const parsed = parsePath(text);
  if (typeof parsed === "string") throw new InteropError("invalid_mapping", parsed);
  switch (parsed.root) {
    case "payload": {
      const { segments } = parsed;
      return { evaluate: (ctx) => readPath(ctx.payload, segments), source: text };
    }
    case "topic":
      return { evaluate: (ctx) => ctx.topic, source: text };
    case "shop":
      return { evaluate: (ctx) => ctx.shop, source: text };
    case "header": {
      const { name } = parsed;
      return { evaluate: (ctx) => ctx.header(name) ?? MISSING, source: text };
    }
    case "var": {
      const { name } = parsed;
      return {
        evaluate: (ctx) => {
          const compute = ctx.vars[name];
          if (compute === undefined) throw new InteropError("invalid_mapping", `"${text}" is not provided here`);
          const value = compute(ctx.payload, ctx.warnings);
          return value === undefined ? MISSING : value;
        },
        source: text,
      };
    }
  }
}

function compileUpper(inner: Compiled): Compiled {
  return {
    source: `upper(${inner.source})`,
    evaluate: (ctx) => {
      const value = inner.evaluate(ctx);
      if (value === MISSING || value === null) return value;
      if (typeof value !== "string") {
        throw new InteropError("invalid_field", `upper needs a string, got ${describeKind(value)}`, inner.source);
      }
      return value.toUpperCase();
    },
  };
}

function compileDate(inner: Compiled, zone: Compiled | undefined): Compiled {
  return {
    source: `date(${inner.source})`,
    evaluate: (ctx) => {
      const value = inner.evaluate(ctx);
      if (value === MISSING || value === null) return value;
      if (zone === undefined) return toUtcIso(value, undefined, inner.source);
      const name = zone.evaluate(ctx);
      if (name === MISSING || name === null || name === "") {
        ctx.warnings.push(`date: no time zone at ${zone.source}; ${inner.source} read as UTC`);
        return toUtcIso(value, undefined, inner.source);
      }
      if (typeof name !== "string") {
        throw new InteropError("invalid_date", `a time zone must be a string, got ${describeKind(name)}`, zone.source);
      }
      return toUtcIso(value, name, inner.source);
    },
  };
}

function compileLookup(inner: Compiled, table: Record<string, JsonScalar>, fallback: JsonScalar | undefined): Compiled {
  return {
    source: `lookup(${inner.source})`,
    evaluate: (ctx) => {
      const value = inner.evaluate(ctx);
      if (value === MISSING || value === null) return value;
      const key = scalarKey(value);
      if (key === undefined) {
        throw new InteropError("invalid_field", `lookup needs a string or number, got ${describeKind(value)}`, inner.source);
      }
      if (Object.hasOwn(table, key)) return table[key] as JsonScalar;
      if (fallback === undefined) {
        throw new InteropError("invalid_field", `value "${key}" is not in the lookup table`, inner.source);
      }
      ctx.warnings.push(`lookup: unmapped value "${key}" at ${inner.source}; used ${JSON.stringify(fallback)}`);
      return fallback;
    },
  };
}

function compileCoalesce<T>(alternatives: Compiled<T>[], warn: string | undefined): Compiled<T> {
  return {
    source: `coalesce(${alternatives.map((a) => a.source).join(", ")})`,
    evaluate: (ctx) => {
      let sawNull = false;
      for (let i = 0; i < alternatives.length; i++) {
        const value = (alternatives[i] as Compiled<T>).evaluate(ctx);
        if (value === MISSING) continue;
        if (value === null || value === "") {
          sawNull = true;
          continue;
        }
        if (i > 0 && warn !== undefined) ctx.warnings.push(warn);
        return value;
      }
      return sawNull ? null : MISSING;
    },
  };
}
