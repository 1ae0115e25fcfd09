import express, { type RequestHandler } from "express";
import { ApiError } from "./problem.js";

const JSON_TYPES = ["application/json", "application/*+json"];

function hasBody(headers: { "content-length"?: string; "transfer-encoding"?: string }): boolean {
  return headers["transfer-encoding"] !== undefined || (headers["content-length"] !== undefined && headers["content-length"] !== "0");
}

/**
 * JSON bodies only: a body of another type is a 415, malformed JSON a 400 `invalid_json`, and
 * one over `limitBytes` a 413 (the parser stops reading at the limit). A request without a body
 * gets `{}`, so schemas decide what is required.
 */
export function jsonBody(limitBytes: number): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    if (hasBody(req.headers) && !req.is(JSON_TYPES)) {
      next(new ApiError(415, "unsupported_media_type", "Unsupported media type", "Send the request body as application/json"));
      return;
    }
    next();
  };
  const defaultBody: RequestHandler = (req, _res, next) => {
    req.body ??= {};
    next();
  };
  return [requireJson, express.json({ limit: limitBytes, strict: true, type: JSON_TYPES }), defaultBody];
}
