import { signSync } from "@relais/webhook-verify/node";
import { request } from "undici";
import { z } from "../../http/zod.js";
import { actionSchema, type HealingAction } from "../rules/rule.js";

/** Where the decision service is and how to reach it (`RELAIS_DECISION_*`). */
export interface DecisionServiceSettings {
  url: string;
  /** `whsec_…`: requests are signed with Standard Webhooks, so the service can check they are ours. */
  secret: string;
  timeoutMs: number;
}

/** What the decision service must answer: an action, a confidence in [0, 1], and why. */
export const remoteAnswerSchema = z.object({
  action: actionSchema,
  confidence: z.number().min(0).max(1),
  explanation: z.string().min(1).max(2000),
});

/** The service's answer, or why there is none. */
export type RemoteOutcome = { ok: true; action: HealingAction; confidence: number; explanation: string } | { ok: false; error: string };

const MAX_ANSWER_BYTES = 64 * 1024;

/** One POST of `body` (JSON) to the decision service, signed with Standard Webhooks and time-boxed. */
export function postSigned(settings: DecisionServiceSettings, body: string): ReturnType<typeof request> {
  return request(settings.url, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...signSync({ scheme: "standard", payload: body, secret: settings.secret }) },
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
    signal: AbortSignal.timeout(settings.timeoutMs),
  });
}

/**
 * Asks the decision service: one signed POST of `input` as JSON, answered within the timeout with
 * a JSON body that {@link remoteAnswerSchema} accepts. Anything else — unreachable, slow, a non-2xx,
 * an oversized or malformed answer — is an outcome with the reason, never a throw, so the caller
 * falls back to its rules.
 */
export async function askDecisionService(settings: DecisionServiceSettings, input: unknown): Promise<RemoteOutcome> {
  const body = JSON.stringify(input);
  try {
    const response = await postSigned(settings, body);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_ANSWER_BYTES) {
        response.body.destroy();
        return { ok: false, error: `answer larger than ${MAX_ANSWER_BYTES} bytes` };
      }
      chunks.push(chunk as Buffer);
    }
    if (response.statusCode < 200 || response.statusCode >= 300) return { ok: false, error: `HTTP ${response.statusCode}` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return { ok: false, error: "answer is not JSON" };
    }
    const answer = remoteAnswerSchema.safeParse(parsed);
    if (!answer.success) {
      const issue = answer.error.issues[0];
      return { ok: false, error: `invalid answer: ${issue?.path.join(".") || "body"} ${issue?.message ?? ""}`.trim() };
    }
    return { ok: true, ...answer.data };
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "TimeoutError" || name === "AbortError" || name === "HeadersTimeoutError" || name === "BodyTimeoutError") {
      return { ok: false, error: `no answer within ${settings.timeoutMs} ms` };
    }
    return { ok: false, error: `unreachable: ${error instanceof Error ? error.message : String(error)}` };
  }
}
