import { type ChangeContext, recordChange } from "../audit/change.js";
import type { Database } from "../db/database.js";
import type { AuthContext } from "../http/auth/context.js";
import type { PageRequest } from "../http/pagination.js";
import { ApiError, conflict, notFound } from "../http/problem.js";
import { type CommandRow, type CommandStatus, listCommands } from "./command-store.js";
import { issueCommand } from "./issue-command.js";
import { findIncident, type IncidentFilter, type IncidentRow, listIncidents } from "./incident-store.js";
import {
  findInstance,
  type InstanceFilter,
  type InstanceRow,
  type InstanceScope,
  listInstances,
  recentTelemetry,
  revokeInstance,
  type TelemetrySampleRow,
} from "./instance-store.js";
import type { CommandSigner } from "./signing.js";

/** Commands without an explicit `expires_at` may start within this long. */
export const DEFAULT_COMMAND_LIFETIME_MS = 24 * 3_600_000;
/** The longest a command may stay startable. */
export const MAX_COMMAND_LIFETIME_MS = 30 * 24 * 3_600_000;

/** A command an operator asks for, already validated. */
export interface NewCommand {
  type: string;
  params: Record<string, unknown>;
  expiresAt: Date | undefined;
}

/** An instance with what `GET /v1/plugins/:id` shows beside it. */
export interface InstanceDetail {
  instance: InstanceRow;
  telemetry: TelemetrySampleRow[];
  commands: CommandRow[];
}

function scopeOf(auth: AuthContext): InstanceScope {
  return { accountId: auth.accountId, livemode: auth.livemode, appId: auth.appId };
}

function invalidField(path: string, message: string): ApiError {
  return new ApiError(400, "invalid_request", "Invalid request", "The request body is invalid", [{ path, code: "invalid_value", message }]);
}

/** The operator side of the control plane: plugin instances, their commands, and incidents. */
export class PluginService {
  constructor(
    private readonly db: Database,
    private readonly signer: CommandSigner,
  ) {}

  list(auth: AuthContext, filter: InstanceFilter, page: PageRequest): Promise<InstanceRow[]> {
    return listInstances(this.db, scopeOf(auth), filter, page);
  }

  async get(auth: AuthContext, id: string): Promise<InstanceDetail> {
    const instance = await findInstance(this.db, scopeOf(auth), id);
    if (!instance) throw notFound("plugin", id);
    const [telemetry, commands] = [
      await recentTelemetry(this.db, id, 10),
      await listCommands(this.db, auth, id, undefined, { limit: 10, direction: "older", cursor: null }),
    ];
    return { instance, telemetry, commands: commands.slice(0, 10) };
  }

  async revoke(context: ChangeContext, id: string): Promise<InstanceRow> {
    return this.db.transaction(async (tx) => {
      const before = await findInstance(tx, scopeOf(context.auth), id, true);
      if (!before) throw notFound("plugin", id);
      if (before.status === "revoked") return before;
      const after = await revokeInstance(tx, id);
      await recordChange(tx, context, { action: "plugin.revoked", targetId: id, before: { status: before.status }, after: { status: after.status } });
      return after;
    });
  }

  /**
   * Creates a command for an instance, signed now over exactly the values it will be delivered
   * with, so a later edit of the row breaks the signature and the agent refuses it.
   */
  async createCommand(context: ChangeContext, instanceId: string, input: NewCommand): Promise<CommandRow> {
    const now = Date.now();
    const expiresAt = input.expiresAt ?? new Date(now + DEFAULT_COMMAND_LIFETIME_MS);
    if (expiresAt.getTime() <= now) throw invalidField("body.expires_at", "must be in the future");
    if (expiresAt.getTime() > now + MAX_COMMAND_LIFETIME_MS) throw invalidField("body.expires_at", "must be at most 30 days ahead");
    const config = input.params.config;
    if (input.type === "config" && (typeof config !== "object" || config === null || Array.isArray(config))) {
      throw invalidField("body.params.config", "a config command needs params.config, a JSON object");
    }
    return this.db.transaction(async (tx) => {
      const instance = await findInstance(tx, scopeOf(context.auth), instanceId, true);
      if (!instance) throw notFound("plugin", instanceId);
      if (instance.status === "revoked") throw conflict("This plugin instance is revoked; re-enrol it before sending commands");
      if (instance.capabilities && !instance.capabilities.commands.includes(input.type)) {
        throw conflict(`This plugin instance does not accept ${input.type} commands (it accepts: ${instance.capabilities.commands.join(", ") || "none"})`);
      }
      const command = await issueCommand(tx, this.signer, instance, {
        type: input.type,
        params: input.params,
        issuedAt: new Date(now),
        expiresAt,
        createdBy: context.auth.actor,
      });
      const id = command.id;
      await recordChange(tx, context, {
        action: "plugin_command.created",
        targetId: id,
        before: null,
        after: { id, plugin_id: instance.id, type: input.type, params: input.params, expires_at: command.expires_at },
      });
      return command;
    });
  }

  async listCommands(auth: AuthContext, instanceId: string, status: CommandStatus | undefined, page: PageRequest): Promise<CommandRow[]> {
    const instance = await findInstance(this.db, scopeOf(auth), instanceId);
    if (!instance) throw notFound("plugin", instanceId);
    return listCommands(this.db, auth, instanceId, status, page);
  }

  listIncidents(auth: AuthContext, filter: IncidentFilter, page: PageRequest): Promise<IncidentRow[]> {
    return listIncidents(this.db, scopeOf(auth), filter, page);
  }

  async getIncident(auth: AuthContext, id: string): Promise<IncidentRow> {
    const incident = await findIncident(this.db, scopeOf(auth), id);
    if (!incident) throw notFound("incident", id);
    return incident;
  }
}
