// The central's pages: log in with a central account, then five views of the exam programme
// (halls, sittings, results, a candidate, exports), chosen in the tabs (the address's #). The
// login is an HttpOnly cookie the page never sees; the admin and read-only tokens are for
// scripts, not for this page. A reader sees everything; only an admin is shown the forms that
// publish or change (and the API refuses a reader's anyway).
// (The central serves ../shared/ at /ui/shared/ beside this page: the same api, dom, format and
// login form as the hall's pages.)

import { errorText, getJson, needsLogin, postJson } from "../shared/api.js";
import { $ } from "../shared/dom.js";
import { N_, t } from "../shared/i18n.js";
import { wireLoginForm } from "../shared/login-form.js";
import { installStaffLanguagePicker, startStaffLanguage } from "../shared/staff-language.js";
import { showCandidate, wireCandidate } from "./central-candidate.js";
import { showHalls } from "./central-halls.js";
import { showResults, showSessions, wireResults } from "./central-results.js";
import { fillChoices, showSittings, wireSittingForms, wireSittings } from "./central-sittings.js";

const REFRESH_MS = 10000;
const UNREACHABLE = N_("The central cannot be reached. Check the network and try again.");
const ROLES = { admin: N_("admin"), reader: N_("reader") };
const VIEWS = ["halls", "sittings", "results", "candidate", "exports"];
let loggedIn = false;

function showError(err) {
  $("error").textContent = err ? errorText(err, { unreachable: t(UNREACHABLE) }) : "";
  $("error").hidden = !err;
}

function showLoggedIn(me) {
  loggedIn = Boolean(me);
  $("login-card").hidden = loggedIn;
  $("central-main").hidden = !loggedIn;
  $("who").hidden = !loggedIn;
  wireSittings(me?.role === "admin", refresh);
  if (me) $("who-text").textContent = `${me.name} (${ROLES[me.role] ? t(ROLES[me.role]) : me.role})`;
  else $("account-name").focus();
}

/** The view the address names (#sittings, #candidate/C-1), the halls when it names none. */
function showView() {
  const [name, ...rest] = location.hash.replace(/^#/, "").split("/");
  const view = VIEWS.includes(name) ? name : "halls";
  for (const node of document.querySelectorAll("[data-view]")) node.hidden = node.dataset.view !== view;
  for (const tab of document.querySelectorAll("[data-tab]")) {
    if (tab.dataset.tab === view) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  if (view === "candidate" && loggedIn) showCandidate(decodeURIComponent(rest.join("/")));
}

async function refresh() {
  try {
    const [halls, progress, exams, results, sessions] = await Promise.all([
      getJson("/api/halls"), getJson("/api/sittings/progress"), getJson("/api/exams"),
      getJson("/api/results"), getJson("/api/sessions?limit=5000")]);
    showHalls(halls.halls);
    fillChoices(halls.halls, exams.exams);
    showSittings(progress.sittings);
    showResults(results.exams);
    showSessions(sessions.sessions);
    showError(null);
  } catch (err) {
    if (needsLogin(err)) showLoggedIn(null);
    else showError(err);
  }
}

function fillExportLinks() {
  for (const line of document.querySelectorAll("[data-export]")) {
    const name = line.dataset.export;
    for (const form of ["csv", "json"]) {
      const link = document.createElement("a");
      link.href = `/api/exports/${name}.${form}`;
      link.download = `${name}.${form}`;
      link.textContent = form.toUpperCase();
      link.setAttribute("aria-label", `${line.cells[0].textContent} (${form.toUpperCase()})`);
      const cellNode = document.createElement("td");
      cellNode.append(link);
      line.append(cellNode);
    }
  }
}

/** The login form, the way out, the tabs and the views' forms (once the page is in its language). */
function wire() {
  wireLoginForm({
    who: "account-name",
    secret: "account-password",
    missing: t("Type your account name and password."),
    unreachable: t(UNREACHABLE),
    logIn: async (name, password) => {
      showLoggedIn(await postJson("/api/login", { name, password }));
      $("account-password").value = "";
      await refresh();
      showView();
    },
  });
  $("log-out").addEventListener("click", async () => {
    try { await postJson("/api/logout"); } catch (err) { if (!needsLogin(err)) showError(err); }
    showLoggedIn(null);
  });
  window.addEventListener("hashchange", showView);
  wireResults();
  wireSittingForms();
  wireCandidate();
  fillExportLinks();
}

async function start() {
  await startStaffLanguage({ url: "/api/settings", field: "language" });
  installStaffLanguagePicker();
  wire();
  showView();
  try {
    showLoggedIn(await getJson("/api/me"));
    await refresh();
    showView();
  } catch (err) {
    showLoggedIn(null);
    if (!needsLogin(err)) $("login-error").textContent = errorText(err, { unreachable: t(UNREACHABLE) });
  }
}

start();
setInterval(() => { if (loggedIn) refresh(); }, REFRESH_MS);
