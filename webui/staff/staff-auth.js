// The staff login as the staff pages see it: who is logged in, the way to the login page and
// back, and the way out.
//
// The staff cookie is HttpOnly, so a page cannot know whether it is logged in: it asks
// GET /staff/me and lets the hall decide. Every state-changing request sends JSON (the hall
// refuses bodies of any other type) from this origin (the hall refuses cross-site changes):
// ../shared/api.js does both.

import { getJson, needsLogin, postJson } from "../shared/api.js";

export const LOGIN_PAGE = "/ui/staff/index.html";

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
    if (needsLogin(err)) {
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
