import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The server's own `migrations/` directory. It sits at the package root, which is one level
 * above `dist/` in a build and two above `src/db/` in the sources, so walk up until found.
 */
export function defaultMigrationsDir(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth += 1) {
    const candidate = path.join(directory, "migrations");
    if (existsSync(path.join(directory, "package.json")) && existsSync(candidate)) return candidate;
    directory = path.dirname(directory);
  }
  throw new Error("the server's migrations directory was not found next to its package.json");
}
