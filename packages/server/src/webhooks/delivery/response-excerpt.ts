import type { Readable } from "node:stream";

/** The start of a response body, as kept on an attempt record. */
export interface ResponseExcerpt {
  responseExcerpt: string;
  responseTruncated: boolean;
}

/**
 * Reads at most `maxBytes` of a response body, then destroys the stream so a huge or endless
 * body cannot hold the worker or its connection. A read error (the attempt deadline, a reset)
 * ends the excerpt where it is. A multi-byte character cut by the limit is dropped.
 */
export function readExcerpt(body: Readable, maxBytes: number): Promise<ResponseExcerpt> {
  const chunks: Buffer[] = [];
  let size = 0;
  return new Promise((resolve) => {
    const finish = (truncated: boolean) => {
      body.off("data", onData).off("end", onEnd).off("error", onStop).off("close", onStop);
      // An error listener stays so a late error from the destroyed stream is not unhandled.
      body.on("error", () => undefined);
      if (truncated && !body.destroyed) body.destroy();
      // `stream: true` holds back an incomplete trailing UTF-8 sequence instead of emitting U+FFFD.
      const responseExcerpt = new TextDecoder().decode(Buffer.concat(chunks, size), { stream: true });
      resolve({ responseExcerpt, responseTruncated: truncated });
    };
    const onData = (chunk: Buffer) => {
      const taken = chunk.subarray(0, maxBytes - size);
      chunks.push(taken);
      size += taken.length;
      if (taken.length < chunk.length) finish(true);
    };
    // A body read to its end leaves the pooled connection reusable; anything else closes it.
    const onEnd = () => finish(false);
    const onStop = () => finish(true);
    body.on("data", onData).once("end", onEnd).once("error", onStop).once("close", onStop);
  });
}
