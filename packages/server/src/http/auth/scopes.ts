/** Every permission a credential can hold; `*` holds them all. */
export const scopes = [
  "*",
  "account:read",
  "apps:read",
  "apps:write",
  "keys:read",
  "keys:write",
  "webhooks:read",
  "webhooks:write",
  "events:read",
  "events:write",
  "audit:read",
  "plugins:read",
  "plugins:write",
  "interop:read",
  "interop:write",
  "healing:read",
  "healing:write",
] as const;

/** One of {@link scopes}. */
export type Scope = (typeof scopes)[number];

/** The roles a JWT may carry. */
export const roles = ["owner", "developer", "merchant_admin", "accountant", "support", "ops"] as const;

/** One of {@link roles}. */
export type Role = (typeof roles)[number];

/** What each role may do: the one place that maps roles to scopes. */
export const roleScopes: Readonly<Record<Role, readonly Scope[]>> = {
  owner: ["*"],
  developer: ["account:read", "apps:write", "keys:write", "webhooks:write", "events:write", "audit:read", "plugins:write", "interop:write", "healing:read"],
  merchant_admin: ["account:read", "apps:read", "webhooks:read", "events:read", "audit:read", "plugins:read", "interop:read"],
  accountant: ["account:read", "apps:read", "events:read", "audit:read"],
  support: ["account:read", "apps:read", "keys:read", "webhooks:read", "events:read", "plugins:read", "interop:read", "healing:read"],
  ops: ["account:read", "apps:read", "keys:read", "webhooks:write", "events:read", "audit:read", "plugins:write", "interop:write", "healing:write"],
};

/** True when `held` allows `needed`: `*` allows everything, `x:write` also allows `x:read`. */
export function allows(held: readonly Scope[], needed: Scope): boolean {
  if (held.includes("*") || held.includes(needed)) return true;
  return needed.endsWith(":read") && held.includes(needed.replace(/:read$/, ":write") as Scope);
}

/** True when every scope in `requested` is allowed by `held` (no key may grant more than its creator). */
export function allowsAll(held: readonly Scope[], requested: readonly Scope[]): boolean {
  return requested.every((scope) => scope === "*" ? held.includes("*") : allows(held, scope));
}

/** The scopes a set of JWT roles grants; unknown role names grant nothing. */
export function scopesForRoles(names: readonly string[]): Scope[] {
  const granted = new Set<Scope>();
  for (const name of names) {
    const role = roles.find((candidate) => candidate === name);
    if (role) for (const scope of roleScopes[role]) granted.add(scope);
  }
  return [...granted];
}
