import { accountScope } from "../http/auth/account-scope.js";

/** Which interop mappings a caller may see: the account's, in its mode (connectors also narrow by app). */
export const interopScope = accountScope;
