import type { AgentHandlers, HealthCheckResult } from "./types.js";

/**
 * Runs the plugin's health check. A check that throws, or does not answer within `timeoutMs`,
 * counts as unhealthy: after an update, a hung plugin is as bad as a broken one.
 */
export async function runHealthCheck(
  check: AgentHandlers["healthCheck"],
  timeoutMs: number,
): Promise<HealthCheckResult> {
  if (check === undefined) return { healthy: true };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<HealthCheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ healthy: false, details: { reason: "timeout", timeout_ms: timeoutMs } }), timeoutMs);
  });
  try {
    const verdict = Promise.resolve()
      .then(check)
      .then((result): HealthCheckResult => (typeof result === "boolean" ? { healthy: result } : result));
    return await Promise.race([verdict, timeout]);
  } catch (error) {
    return { healthy: false, details: { reason: "error", message: error instanceof Error ? error.message : String(error) } };
  } finally {
    clearTimeout(timer);
  }
}
