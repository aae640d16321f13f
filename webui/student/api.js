// Talking to the hall: JSON in and out, one error type, timeouts, gzip for large bodies.
//
// Two kinds of failure matter to the page, and they are kept apart on purpose:
//  - Unreachable: no answer at all (server down, LAN gone, timeout). Retry later; keep everything.
//  - ApiError: the hall answered with an error; its `code` says what to do.

const TIMEOUT_MS = 15000;
// Below this size gzip costs more time than it saves on a LAN.
const COMPRESS_FROM_BYTES = 4096;
// Browsers refuse keepalive bodies past 64 KiB; stay well under.
const KEEPALIVE_MAX_BYTES = 60000;

/** The hall answered, with an error of the one shape {"error": {"code", "message"}}. */
export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** A failure that may pass by itself: storage trouble, a bug, too many requests. */
  get retryable() {
    return this.status >= 500 || this.status === 429 || this.status === 408;
  }
}

/** The hall did not answer. */
export class Unreachable extends Error {
  constructor(cause) {
    super("The hall cannot be reached.");
    this.name = "Unreachable";
    this.cause = cause;
  }
}

async function readAnswer(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // A proxy's HTML page, or an empty body: handled below as an unreadable answer.
  }
  if (response.ok && body !== null) return body;
  const error = body && body.error ? body.error : {};
  const { code = "bad_response", message = `The hall answered ${response.status}.`, ...details } = error;
  throw new ApiError(response.status, code, message, details);
}

async function send(path, init, timeoutMs) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let response;
  try {
    response = await fetch(path, { credentials: "same-origin", cache: "no-store", ...init,
                                   signal: controller.signal });
  } catch (err) {
    throw new Unreachable(err);
  } finally {
    clearTimeout(timer);
  }
  return readAnswer(response);
}

async function gzip(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Response(stream).arrayBuffer();
}

/** GET a JSON answer. */
export function getJson(path, { timeoutMs = TIMEOUT_MS } = {}) {
  return send(path, { method: "GET", headers: { Accept: "application/json" } }, timeoutMs);
}

/**
 * POST `body` as JSON. Large bodies go gzip-compressed (the hall accepts Content-Encoding: gzip),
 * except keepalive ones: those are sent while the page is closing and cannot wait for a stream.
 */
export async function postJson(path, body, { timeoutMs = TIMEOUT_MS, keepalive = false } = {}) {
  const text = JSON.stringify(body);
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  let payload = text;
  if (!keepalive && text.length >= COMPRESS_FROM_BYTES && typeof CompressionStream === "function") {
    payload = await gzip(text);
    headers["Content-Encoding"] = "gzip";
  }
  const init = { method: "POST", headers, body: payload };
  if (keepalive && text.length < KEEPALIVE_MAX_BYTES) init.keepalive = true;
  return send(path, init, timeoutMs);
}

/** The paths of one exam's endpoints. */
export function examPaths(examId) {
  const base = `/student/exam/${encodeURIComponent(examId)}`;
  return {
    paper: base,
    save: `${base}/session/save`,
    restore: `${base}/session/restore`,
    complete: `${base}/session/complete`,
    clock: `${base}/session/clock`,
    report: `${base}/session/report`,
  };
}
