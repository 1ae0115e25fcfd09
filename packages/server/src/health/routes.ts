import { Router } from "express";

/** What `/ready` asks: is the database reachable, and are all migrations applied? */
export type ReadinessCheck = () => Promise<{ ready: boolean; reason?: string }>;

/**
 * `GET /health`: the process is up and serving HTTP.
 * `GET /ready`: the process can do its work (database reachable, migrations applied); load
 * balancers route to it only then.
 */
export function healthRoutes(checkReadiness: ReadinessCheck): Router {
  const router = Router();
  router.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/ready", async (_req, res) => {
    const result = await checkReadiness().catch((error: unknown) => ({
      ready: false,
      reason: `database unreachable: ${error instanceof Error ? error.message : String(error)}`,
    }));
    res.status(result.ready ? 200 : 503).json(result.ready ? { status: "ready" } : { status: "not_ready", reason: result.reason });
  });
  return router;
}
