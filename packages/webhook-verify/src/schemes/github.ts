import { decodeHex, encodeHex } from "../encoding.js";
import { WebhookVerificationError } from "../errors.js";
import { readHeader } from "../headers.js";
import { bodyOnlyEnvelope, parsePayloadJson, type SchemeDefinition } from "./scheme.js";

const SIGNATURE_HEADER = "x-hub-signature-256";
const SIGNATURE_PREFIX = "sha256=";

/** GitHub: `X-Hub-Signature-256: sha256=<hex HMAC of the body>`, keyed by the webhook secret. No timestamp. */
export const gitHubScheme: SchemeDefinition<"github"> = {
  secretFormat: "text",
  multipleSignatures: false,

  read(headers) {
    const header = readHeader(headers, SIGNATURE_HEADER);
    if (header === undefined || header === "") {
      throw new WebhookVerificationError("missing_header", "the X-Hub-Signature-256 header is missing");
    }
    if (!header.startsWith(SIGNATURE_PREFIX)) {
      throw new WebhookVerificationError("malformed_header", "X-Hub-Signature-256 does not start with sha256=");
    }
    return bodyOnlyEnvelope(decodeHex(header.slice(SIGNATURE_PREFIX.length)));
  },

  describe(_envelope, headers, payload) {
    return {
      scheme: "github",
      id: readHeader(headers, "x-github-delivery"),
      timestamp: undefined,
      event: readHeader(headers, "x-github-event"),
      hookId: readHeader(headers, "x-github-hook-id"),
      payload,
      json: parsePayloadJson,
    };
  },

  planSigning() {
    return {
      signedPrefix: "",
      headers: ({ hmac }) => ({ "x-hub-signature-256": `${SIGNATURE_PREFIX}${encodeHex(hmac[0]!)}` }),
    };
  },
};
