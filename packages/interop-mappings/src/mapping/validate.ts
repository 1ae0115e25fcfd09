import type { z } from "zod";
import type { MappingIssue } from "../errors.js";
import { NORMALIZED_EVENT_TYPES } from "../event.js";
import { platformVarNames } from "../platforms/index.js";
import { isRecord } from "../values.js";
import { formatPath, parsePath } from "./path.js";
import { mappingSchema } from "./schema.js";
import type { Mapping, MappingExpr, MappingRule, MoneyExpr } from "./types.js";

/** The outcome of {@link validateMapping}. */
export type MappingValidation = { ok: true; mapping: Mapping } | { ok: false; issues: MappingIssue[] };

const EVENT_TYPES: ReadonlySet<unknown> = new Set(NORMALIZED_EVENT_TYPES);

/**
 * Checks a mapping document (typically JSON from a database or an editor) and says where
 * it is wrong: each issue's `path` points inside the document, e.g.
 * `$.topics["sale.paid"].amount.currency`.
 *
 * @example
 * const result = validateMapping(JSON.parse(body));
 * if (!result.ok) return res.status(422).json({ errors: result.issues });
 */
export function validateMapping(input: unknown): MappingValidation {
  const parsed = mappingSchema.safeParse(input);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.flatMap((issue) => flatten(issue, [], input)) };
  const issues = semanticIssues(parsed.data);
  return issues.length === 0 ? { ok: true, mapping: parsed.data } : { ok: false, issues };
}

type Segment = string | number;
type Issue = z.core.$ZodIssue;

const OPERATORS = ["const", "upper", "date", "lookup", "coalesce", "money"];

/**
 * zod reports a failed union with every branch's issues. For an object, the branch meant is
 * the one that declares its operator key (the strict others call that key unrecognized);
 * otherwise the only branch of the right type. Failing that, the union's own message
 * ("expected a path or …") says more than any branch would.
 */
function flatten(issue: Issue, base: Segment[], input: unknown): MappingIssue[] {
  const path = [...base, ...issue.path.filter((p): p is Segment => typeof p !== "symbol")];
  if (issue.code !== "invalid_union" || issue.errors.length === 0) {
    return [{ path: formatPath(path), message: issue.message }];
  }
  const value = valueAt(input, path);
  const key = isRecord(value) ? (Object.keys(value).find((k) => OPERATORS.includes(k)) ?? "") : undefined;
  const meant = issue.errors.filter(
    (branch) =>
      !branch.some((i) => i.path.length === 0 && i.code === "invalid_type") &&
      !branch.some((i) => i.path.length === 0 && i.code === "unrecognized_keys" && key !== undefined && i.keys.includes(key)),
  );
  const [only] = meant;
  if (meant.length !== 1 || only === undefined || key === "") return [{ path: formatPath(path), message: issue.message }];
  return only.flatMap((inner) => flatten(inner, path, input));
}

function valueAt(input: unknown, path: readonly Segment[]): unknown {
  let current = input;
  for (const segment of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<Segment, unknown>)[segment];
  }
  return current;
}

/** Checks zod cannot express: `@names` the platform provides, and event types. */
function semanticIssues(mapping: Mapping): MappingIssue[] {
  const issues: MappingIssue[] = [];
  const provided = new Set(platformVarNames(mapping.platform));
  const checkExpr = (expr: MappingExpr | MoneyExpr, at: Segment[]): void => {
    if (typeof expr === "string") {
      const parsed = parsePath(expr);
      if (typeof parsed !== "string" && parsed.root === "var" && !provided.has(parsed.name)) {
        const names = [...provided].map((n) => `@${n}`).join(", ") || "none";
        issues.push({ path: formatPath(at), message: `"${expr}" is not provided for ${mapping.platform} (available: ${names})` });
      }
      return;
    }
    for (const [key, value] of Object.entries(expr)) {
      if (key === "table" || key === "const" || key === "default" || key === "warn" || key === "negate") continue;
      if (Array.isArray(value)) value.forEach((item, i) => checkExpr(item as MappingExpr, [...at, key, i]));
      else checkExpr(value as MappingExpr, [...at, key]);
    }
  };
  const checkType = (expr: MappingExpr, at: Segment[]): void => {
    const bad = (value: unknown, where: Segment[]) =>
      issues.push({ path: formatPath(where), message: `${JSON.stringify(value)} is not a normalized event type` });
    if (typeof expr === "string") return;
    if ("const" in expr && !EVENT_TYPES.has(expr.const)) bad(expr.const, [...at, "const"]);
    if ("lookup" in expr) {
      for (const [key, value] of Object.entries(expr.table)) if (!EVENT_TYPES.has(value)) bad(value, [...at, "table", key]);
      if (expr.default !== undefined && !EVENT_TYPES.has(expr.default)) bad(expr.default, [...at, "default"]);
    }
    if ("coalesce" in expr) expr.coalesce.forEach((alt, i) => checkType(alt, [...at, "coalesce", i]));
  };
  if (mapping.topic !== undefined) checkExpr(mapping.topic, ["topic"]);
  if (mapping.shop !== undefined) checkExpr(mapping.shop, ["shop"]);
  for (const [topic, rule] of Object.entries(mapping.topics)) {
    const at: Segment[] = ["topics", topic];
    checkType(rule.type, [...at, "type"]);
    for (const [field, value] of Object.entries(rule) as [keyof MappingRule, MappingRule[keyof MappingRule]][]) {
      if (value === undefined) continue;
      if (field === "order" || field === "refund" || field === "subscription") {
        for (const [key, expr] of Object.entries(value)) checkExpr(expr as MappingExpr, [...at, field, key]);
      } else if (Array.isArray(value)) value.forEach((expr, i) => checkExpr(expr, [...at, field, i]));
      else checkExpr(value as MappingExpr, [...at, field]);
    }
  }
  return issues;
}
