// The staff login: name and password, then the page the role opens. Invigilators go straight to
// the console; admins choose between the console and the admin pages. A page that sent someone
// here (?next=...) gets them back, but only a page of this hall's /ui/ (never another site).

import { errorText, getJson, needsLogin, postJson } from "../shared/api.js";
import { $ } from "../shared/dom.js";
import { showLoginError, wireLoginForm } from "../shared/login-form.js";
import { logOut } from "./staff-auth.js";
import { showForRole, showHallName } from "./staff-header.js";

const CONSOLE = "/ui/invigilator/index.html";

/** The page to return to, when it is one of the hall's own pages. */
function nextPage() {
  const next = new URLSearchParams(location.search).get("next") || "";
  return next.startsWith("/ui/") && !next.startsWith("//") ? next : null;
}

function showSignedIn(member) {
  $("signed-in-text").textContent = member.role === "admin"
    ? `You are ${member.name}, a hall admin. Where to?`
    : `You are ${member.name}, an invigilator.`;
  $("signed-in").hidden = false;
  $("login-form").hidden = true;
  showForRole(member.role);
  $("go-console").focus();
}

/** Where a fresh login goes: back to the page that asked, else the role's own page. */
function arrive(member) {
  const next = nextPage();
  if (next && (member.role === "admin" || !next.startsWith("/ui/admin/"))) {
    location.assign(next);
  } else if (member.role === "admin") {
    showSignedIn(member);
  } else {
    location.assign(CONSOLE);
  }
}

async function start() {
  wireLoginForm({ who: "staff-name", secret: "staff-password", missing: "Type both your name and your password.",
                  logIn: async (name, password) => arrive(await postJson("/staff/login", { name, password })) });
  $("log-out").addEventListener("click", () => logOut());
  showHallName($("hall-name"));
  try {
    showSignedIn(await getJson("/staff/me"));
  } catch (err) {
    // Not logged in as staff (401) is the usual case here; anything else is worth saying.
    if (!needsLogin(err)) showLoginError(errorText(err));
    $("staff-name").focus();
  }
}

start();
