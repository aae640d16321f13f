// The staff login: name and password, then the page the role opens. Invigilators go straight to
// the console, markers to the marking page; admins choose between the console and the admin pages. A page that sent someone
// here (?next=...) gets them back, but only a page of this hall's /ui/ (never another site).

import { errorText, getJson, needsLogin, postJson } from "../shared/api.js";
import { $ } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { showLoginError, wireLoginForm } from "../shared/login-form.js";
import { logOut } from "./staff-auth.js";
import { showForRole } from "./staff-header.js";
import { installStaffLanguagePicker, startStaffLanguage } from "../shared/staff-language.js";

const CONSOLE = "/ui/invigilator/index.html";
const MARKING = "/ui/admin/marking.html";

/** The page to return to, when it is one of the hall's own pages. */
function nextPage() {
  const next = new URLSearchParams(location.search).get("next") || "";
  return next.startsWith("/ui/") && !next.startsWith("//") ? next : null;
}

function showSignedIn(member) {
  $("signed-in-text").textContent = member.role === "admin"
    ? t("You are {name}, a hall admin. Where to?", { name: member.name })
    : member.role === "marker" ? t("You are {name}, a marker.", { name: member.name })
      : t("You are {name}, an invigilator.", { name: member.name });
  $("signed-in").hidden = false;
  $("login-form").hidden = true;
  showForRole(member.role);
  $("go-console").focus();
}

/** Where a fresh login goes: back to the page that asked, else the role's own page. */
function arrive(member) {
  const next = nextPage();
  if (next && (member.role === "admin" || !next.startsWith("/ui/admin/")
               || (member.role === "marker" && next.startsWith(MARKING)))) {
    location.assign(next);
  } else if (member.role === "admin") {
    showSignedIn(member);
  } else if (member.role === "marker") {
    location.assign(MARKING);
  } else {
    location.assign(CONSOLE);
  }
}

async function start() {
  const settings = await startStaffLanguage();
  installStaffLanguagePicker();
  if (settings.hall_name) $("hall-name").textContent = settings.hall_name;
  wireLoginForm({ who: "staff-name", secret: "staff-password", missing: t("Type both your name and your password."),
                  logIn: async (name, password) => arrive(await postJson("/staff/login", { name, password })) });
  $("log-out").addEventListener("click", () => logOut());
  try {
    showSignedIn(await getJson("/staff/me"));
  } catch (err) {
    // Not logged in as staff (401) is the usual case here; anything else is worth saying.
    if (!needsLogin(err)) showLoginError(errorText(err));
    $("staff-name").focus();
  }
}

start();
