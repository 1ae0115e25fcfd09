import { describe, expect, it } from "vitest";
import { assess, DEFAULT_DETECTION, type SampleView } from "./anomalies.js";

let sequence = 0;
function sample(errorCount: number, extra: Partial<SampleView> = {}): SampleView {
  sequence += 1;
  return { sequence_num: sequence, recorded_at: new Date(1_750_000_000_000 + sequence * 60_000).toISOString(), error_count: errorCount, webhook_fail_rate: 0, healthy: true, errors: [], ...extra };
}
const baseline = () => [1, 0, 2, 1, 0, 1, 3, 1].map((count) => sample(count));

describe("assess", () => {
  it("reports an error spike against the instance's own history, with the numbers", () => {
    const samples = [...baseline(), sample(40)];
    const { findings } = assess(samples);
    expect(findings).toEqual([
      expect.objectContaining({
        type: "error_spike",
        severity: "high",
        evidence: expect.objectContaining({ error_count: 40, median: 1, history_size: 8, threshold: 3.5 }),
        started_at: samples.at(-1)?.recorded_at,
      }),
    ]);
  });

  it("does not alarm on low volume, however unusual: 1 error over a history of zeros is not a spike", () => {
    expect(assess([...[0, 0, 0, 0, 0, 0].map((count) => sample(count)), sample(1)]).findings).toEqual([]);
    expect(assess([...[0, 0, 0, 0, 0, 0].map((count) => sample(count)), sample(4)]).findings).toEqual([]);
    expect(assess([...[0, 0, 0, 0, 0, 0].map((count) => sample(count)), sample(5)]).findings.map((finding) => finding.type)).toEqual(["error_spike"]);
  });

  it("does not alarm on an instance that is always this noisy", () => {
    const noisy = [40, 35, 52, 44, 38, 47, 41].map((count) => sample(count));
    expect(assess([...noisy, sample(49)]).findings).toEqual([]);
  });

  it("does not alarm on a noisy instance whose first samples happened to cluster", () => {
    const clustered = [40, 41, 39, 42, 41].map((count) => sample(count));
    expect(assess([...clustered, sample(50)]).findings).toEqual([]);
    expect(assess([...clustered, sample(95)]).findings.map((finding) => finding.type)).toEqual(["error_spike"]);
  });

  it("needs a baseline: no spike before minHistory samples", () => {
    expect(assess([sample(0), sample(0), sample(90)]).findings).toEqual([]);
  });

  it("dates a spike from its first anomalous sample, and calls it critical from 100 errors", () => {
    const samples = [...baseline(), sample(30), sample(150)];
    const [finding] = assess(samples).findings;
    expect(finding).toMatchObject({ type: "error_spike", severity: "critical", started_at: samples.at(-2)?.recorded_at });
  });

  it("reports webhook failures only after consecutive bad samples, and clears after consecutive good ones", () => {
    expect(assess([...baseline(), sample(0, { webhook_fail_rate: 0.6 })]).findings).toEqual([]);
    const failing = assess([...baseline(), sample(0, { webhook_fail_rate: 0.3 }), sample(0, { webhook_fail_rate: 0.6 })]);
    expect(failing.findings).toEqual([expect.objectContaining({ type: "webhook_failures", severity: "medium", evidence: expect.objectContaining({ rates: [0.3, 0.6] }) })]);
    const recovering = assess([...baseline(), sample(0, { webhook_fail_rate: 0.6 }), sample(0, { webhook_fail_rate: 0.1 })]);
    expect(recovering.findings).toEqual([]);
    expect(recovering.clear).not.toContain("webhook_failures");
    expect(assess([...baseline(), sample(0, { webhook_fail_rate: 0.1 }), sample(0, { webhook_fail_rate: 0 })]).clear).toContain("webhook_failures");
  });

  it("reports a plugin.error the plugin sent, critical when it also says it is unhealthy", () => {
    const error = { code: "plugin.error", message: "payment module crashed", count: 1 };
    expect(assess([sample(0, { errors: [error] })]).findings).toEqual([expect.objectContaining({ type: "plugin_error", severity: "high" })]);
    expect(assess([sample(0, { errors: [error], healthy: false })]).findings[0]?.severity).toBe("critical");
    expect(assess([sample(0, { errors: [{ code: "db", message: "slow", count: 2 }] })]).findings).toEqual([]);
  });

  it("clears every type when the last samples are normal", () => {
    expect(assess([...baseline(), sample(1), sample(0)]).clear.sort()).toEqual(["error_spike", "plugin_error", "webhook_failures"]);
    expect(DEFAULT_DETECTION.consecutive).toBe(2);
  });
});
