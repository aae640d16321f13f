// Talking to the hall as staff: JSON in and out, one error type, and what to do when the staff
// login is missing or too weak for a page.
//
// The staff cookie is HttpOnly, so a page cannot know whether it is logged in: it asks
// GET /staff/me and lets the hall decide. Every state-changing request sends JSON (the hall
// refuses bodies of any other type) from this origin (the hall refuses cross-site changes).

const TIMEOUT_MS = 15000;
export const LOGIN_PAGE = "/ui/staff/index.html";

/** The hall answered with an error of its one shape {"error": {"code", "message"}}. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

/** The hall did not answer at all. */
export class Unreachable extends Error {
  constructor() {
    super("The hall's server does not answer. Check this PC's network cable; the page keeps trying.");
    this.name = "Unreachable";
  }
}

async function readAnswer(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's page, an empty body): reported below as the status alone.
  }
  if (response.ok && body !== null) return body;
  const error = body?.error ?? {};
  throw new ApiError(response.status, error.code ?? "bad_response",
                     error.message ?? `The hall answered ${response.status}.`);
}

async function send(path, init) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(path, { credentials: "same-origin", cache: "no-store", ...init,
                                   signal: controller.signal });
  } catch {
    throw new Unreachable();
  } finally {
    clearTimeout(timer);
  }
  return readAnswer(response);
}

/** GET a JSON answer. */
export function getJson(path) {
  return send(path, { method: "GET", headers: { Accept: "application/json" } });
}

/** POST `body` (an empty object when there is none) as JSON. */
export function postJson(path, body = {}) {
  return send(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
}

/** The text to show for any failure: the hall's own message when it gave one. */
export function errorText(err) {
  if (err instanceof ApiError || err instanceof Unreachable) return err.message;
  return `Something went wrong on this page: ${err}`;
}

/** The staff login page, asked to come back here afterwards. */
export function loginUrl(next = location.pathname + location.search) {
  return `${LOGIN_PAGE}?next=${encodeURIComponent(next)}`;
}

/**
 * Who is logged in as staff: {name, role}. Without a staff login (a candidate's cookie opens
 * nothing here) the browser goes to the staff login page and this never resolves.
 */
export async function currentStaff() {
  try {
    return await getJson("/staff/me");
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      location.replace(loginUrl());
      return new Promise(() => {});
    }
    throw err;
  }
}

/** Ends the staff login on this PC and goes back to the login page. */
export async function logOut() {
  try {
    await postJson("/staff/logout");
  } finally {
    location.assign(LOGIN_PAGE);
  }
}
