// Talking to the hall (or the central) from any page: JSON in and out, one error type, timeouts,
// gzip for large bodies, keepalive for a page that is closing.
//
// Two kinds of failure matter to a page, and they are kept apart on purpose:
//   Unreachable  no answer at all (server down, LAN gone, timeout): try again later, keep everything.
//   ApiError     the hall answered with its one error shape {"error": {"code", "message", ...}}:
//                `code` says what to do; the other fields of the error are its `details`.
// A page asks isTransient(err) whether a failure may pass by itself.
//
// This was two copies (student/api.js, staff/staff-api.js) that had drifted apart. Kept from
// each, and why:
//   - per-call timeouts (student): the settings read must give up sooner than a save;
//   - `details` and `retryable` on ApiError (student): revision_ahead carries the hall's
//     revision, 429 its retry_after, and a retry must not depend on which page asked;
//   - `cause` on Unreachable (student): the browser's own reason stays visible in the console;
//   - gzip and keepalive (student): a staff body never reaches the size where gzip starts, so
//     staff requests go out exactly as before;
//   - postJson's empty body by default and errorText() (staff): every page shows a failure the
//     same way, the hall's own message when it gave one.
// The words shown to people come from text.js.

import { hallErrorText, text } from "./text.js";

const TIMEOUT_MS = 15000;
// Below this size gzip costs more time than it saves on a LAN.
const COMPRESS_FROM_BYTES = 4096;
// Browsers refuse keepalive bodies past 64 KiB; stay well under.
const KEEPALIVE_MAX_BYTES = 60000;

/** The hall answered, with an error of its one shape {"error": {"code", "message", ...}}. */
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

/** The hall did not answer (`timedOut`: it took longer than the page waits). */
export class Unreachable extends Error {
  constructor(cause, { timedOut = false } = {}) {
    super(text("api.unreachable"), { cause });
    this.name = "Unreachable";
    this.timedOut = timedOut;
  }
}

/** Whether `err` may pass by itself: no answer, or an answer that says to try again. */
export function isTransient(err) {
  return err instanceof Unreachable || (err instanceof ApiError && err.retryable);
}

/** Whether the hall refused for want of a login (a candidate's or a member of staff's). */
export function needsLogin(err) {
  return err instanceof ApiError && err.status === 401;
}

/**
 * The sentence to show for any failure: the hall's own message when it gave one. `unreachable`
 * replaces the advice given when the hall does not answer (a candidate raises a hand).
 */
export function errorText(err, { unreachable = text("api.unreachable.advice") } = {}) {
  if (err instanceof Unreachable) return unreachable;
  if (err instanceof ApiError) return hallErrorText(err);
  return text("page.bug", { error: err });
}

async function bodyOf(response) {
  try {
    return await response.json();
  } catch {
    return null; // a proxy's HTML page, or an empty body: reported as the status alone
  }
}

function errorOf(status, body) {
  const { code = "bad_response", message = text("api.bad_answer", { status }), ...details } = body?.error ?? {};
  return new ApiError(status, code, message, details);
}

async function readAnswer(response) {
  const body = await bodyOf(response);
  if (response.ok && body !== null) return body;
  throw errorOf(response.status, body);
}

async function send(path, init, { timeoutMs = TIMEOUT_MS, headers = {} } = {}) {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; controller.abort(); }, timeoutMs);
  try {
    return await fetch(path, { credentials: "same-origin", cache: "no-store", ...init,
                               headers: { ...init.headers, ...headers }, signal: controller.signal });
  } catch (err) {
    throw new Unreachable(err, { timedOut });
  } finally {
    clearTimeout(timer);
  }
}

async function gzip(body) {
  const stream = new Blob([body]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Response(stream).arrayBuffer();
}

/** GET a JSON answer. options: {timeoutMs, headers}. */
export async function getJson(path, options = {}) {
  return readAnswer(await send(path, { method: "GET", headers: { Accept: "application/json" } }, options));
}

/**
 * POST `body` as JSON. Large bodies go gzip-compressed (the hall accepts Content-Encoding: gzip),
 * except keepalive ones: those are sent while the page is closing and cannot wait for a stream.
 * options: {timeoutMs, headers, keepalive}.
 */
export async function postJson(path, body = {}, { keepalive = false, ...options } = {}) {
  const json = JSON.stringify(body);
  const headers = { "Content-Type": "application/json", Accept: "application/json" };
  let payload = json;
  if (!keepalive && json.length >= COMPRESS_FROM_BYTES && typeof CompressionStream === "function") {
    payload = await gzip(json);
    headers["Content-Encoding"] = "gzip";
  }
  const init = { method: "POST", headers, body: payload };
  if (keepalive && json.length < KEEPALIVE_MAX_BYTES) init.keepalive = true;
  return readAnswer(await send(path, init, options));
}

/** GET an answer that is not JSON (Prometheus text, a CSV file): its Response, once it is ok. */
export async function getRaw(path, options = {}) {
  const response = await send(path, { method: "GET" }, options);
  if (!response.ok) throw errorOf(response.status, await bodyOf(response));
  return response;
}
