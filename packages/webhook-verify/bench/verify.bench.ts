// Throughput of webhook verification: our verifySync / verify against raw node:crypto and the
// libraries this package replaces. Run with `npm run bench -w @relais/webhook-verify`; the
// output is a Markdown table, pasted as is into the README.
import { Buffer } from "node:buffer";
import { createHmac, timingSafeEqual } from "node:crypto";
import { availableParallelism, cpus } from "node:os";
import { Webhook as StandardWebhook } from "standardwebhooks";
import Stripe from "stripe";
import { Webhook as SvixWebhook } from "svix";
import { Bench } from "tinybench";
import { signSync, verify, verifySync } from "../src/node.js";

const STANDARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const STANDARD_KEY = Buffer.from(STANDARD_SECRET.slice("whsec_".length), "base64");
const STRIPE_SECRET = "whsec_stripe_bench_secret_0123456789";
const SIZES = [
  { label: "1 KiB", bytes: 1024 },
  { label: "64 KiB", bytes: 64 * 1024 },
];

/** A JSON body of exactly `bytes` bytes (the reference libraries parse it). */
function jsonBody(bytes: number): string {
  const shell = JSON.stringify({ type: "order.created", data: { note: "" } });
  return JSON.stringify({ type: "order.created", data: { note: "x".repeat(bytes - shell.length) } });
}

/** Flips one base64 character of the first signature, keeping the header well formed. */
function corrupt(signatureHeader: string): string {
  const at = signatureHeader.indexOf(",") + 1;
  return signatureHeader.slice(0, at) + (signatureHeader[at] === "A" ? "B" : "A") + signatureHeader.slice(at + 1);
}

const BASELINE = "node:crypto HMAC + timingSafeEqual (baseline)";
const SYNC = "verifySync — standard";
const SYNC_JSON = "verifySync — standard + json()";
const STRIPE_JSON = "verifySync — stripe + json()";

/** One ratio printed beside a row: ops/s of `over` divided by ops/s of `under` (row names; "this" is the row). */
interface Ratio {
  label: string;
  over: string;
  under: string;
}

interface Row {
  name: string;
  run: () => unknown;
  ratios?: Ratio[];
}

function rowsFor(body: string): Row[] {
  const standardHeaders = signSync({ scheme: "standard", payload: body, secret: STANDARD_SECRET });
  const stripeHeader = signSync({ scheme: "stripe", payload: body, secret: STRIPE_SECRET })["stripe-signature"];
  const badHeaders = { ...standardHeaders, "webhook-signature": corrupt(standardHeaders["webhook-signature"]) };
  const standardwebhooks = new StandardWebhook(STANDARD_SECRET);
  const svix = new SvixWebhook(STANDARD_SECRET);
  const id = standardHeaders["webhook-id"];
  const timestamp = standardHeaders["webhook-timestamp"];
  const signature = standardHeaders["webhook-signature"];
  const standardOptions = { scheme: "standard", payload: body, headers: standardHeaders, secret: STANDARD_SECRET } as const;
  const rejectedOptions = { ...standardOptions, headers: badHeaders };
  const bufferOptions = { ...standardOptions, payload: Buffer.from(body) };
  const stripeOptions = {
    scheme: "stripe",
    payload: body,
    headers: { "stripe-signature": stripeHeader },
    secret: STRIPE_SECRET,
  } as const;

  return [
    {
      name: BASELINE,
      run: () => {
        const expected = createHmac("sha256", STANDARD_KEY).update(`${id}.${timestamp}.${body}`).digest();
        const received = Buffer.from(signature.slice(3), "base64");
        if (received.length !== expected.length || !timingSafeEqual(received, expected)) throw new Error("mismatch");
      },
    },
    { name: SYNC, run: () => verifySync(standardOptions), ratios: [{ label: "verifySync ÷ baseline", over: "this", under: BASELINE }] },
    {
      name: "verifySync — standard, bad signature (rejection)",
      run: () => {
        try {
          verifySync(rejectedOptions);
        } catch (error) {
          return error;
        }
        throw new Error("a bad signature was accepted");
      },
      ratios: [{ label: "rejection ÷ acceptance", over: "this", under: SYNC }],
    },
    {
      name: "verifySync — standard, Buffer body",
      run: () => verifySync(bufferOptions),
      ratios: [{ label: "÷ baseline", over: "this", under: BASELINE }],
    },
    {
      name: "verify (Web Crypto) — standard",
      run: () => verify(standardOptions),
      ratios: [{ label: "verify ÷ baseline", over: "this", under: BASELINE }],
    },
    {
      name: "standardwebhooks Webhook.verify (jsonParse: false)",
      run: () => standardwebhooks.verify(body, standardHeaders, { jsonParse: false }),
      ratios: [
        { label: "verifySync ÷ this", over: SYNC, under: "this" },
        { label: "verify ÷ this", over: "verify (Web Crypto) — standard", under: "this" },
      ],
    },
    {
      name: "standardwebhooks Webhook.verify (default: parses JSON)",
      run: () => standardwebhooks.verify(body, standardHeaders),
      ratios: [
        { label: "verifySync + json() ÷ this", over: SYNC_JSON, under: "this" },
        { label: "verifySync ÷ this", over: SYNC, under: "this" },
      ],
    },
    { name: SYNC_JSON, run: () => verifySync(standardOptions).json() },
    {
      name: "svix Webhook.verify (parses JSON)",
      run: () => svix.verify(body, standardHeaders),
      ratios: [{ label: "verifySync + json() ÷ this", over: SYNC_JSON, under: "this" }],
    },
    { name: STRIPE_JSON, run: () => verifySync(stripeOptions).json() },
    {
      name: "stripe webhooks.constructEvent (parses JSON)",
      run: () => Stripe.webhooks.constructEvent(body, stripeHeader, STRIPE_SECRET),
      ratios: [{ label: "verifySync (stripe) + json() ÷ this", over: STRIPE_JSON, under: "this" }],
    },
  ];
}

async function measure(rows: Row[]): Promise<Map<string, { hz: number; rme: number }>> {
  const bench = new Bench({ time: 1000, throws: true });
  for (const row of rows) bench.add(row.name, row.run);
  await bench.run();
  const results = new Map<string, { hz: number; rme: number }>();
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state !== "completed") throw new Error(`${task.name}: ${result.state}`);
    results.set(task.name, { hz: result.throughput.mean, rme: result.throughput.rme });
  }
  return results;
}

const format = (value: number): string => Math.round(value).toLocaleString("en-US");

console.log(`Node ${process.version}, ${availableParallelism()} cores, ${cpus()[0]?.model ?? "unknown CPU"}, ${process.platform}/${process.arch}`);
for (const size of SIZES) {
  const rows = rowsFor(jsonBody(size.bytes));
  const results = await measure(rows);
  const opsOf = (name: string, row: Row) => results.get(name === "this" ? row.name : name)!.hz;
  console.log(`\n#### ${size.label} body\n`);
  console.log("| task | ops/s | ± | ratios |");
  console.log("|---|---:|---:|---|");
  for (const row of rows) {
    const { hz, rme } = results.get(row.name)!;
    const ratios = (row.ratios ?? [])
      .map((ratio) => `${ratio.label} = **${(opsOf(ratio.over, row) / opsOf(ratio.under, row)).toFixed(2)}x**`)
      .join("; ");
    console.log(`| ${row.name} | ${format(hz)} | ${rme.toFixed(1)}% | ${ratios} |`);
  }
}
