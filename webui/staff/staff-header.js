// The bar across the top of every staff page: the hall, who is logged in, the pages their role
// opens, and the way out. Links to admin pages are shown to admins only (the hall refuses them
// to invigilators anyway; hiding them keeps the console calm).

import { getJson } from "../shared/api.js";
import { $, el } from "../shared/dom.js";
import { N_, t } from "../shared/i18n.js";
import { currentStaff, logOut } from "./staff-auth.js";
import { installStaffLanguagePicker, startStaffLanguage } from "../shared/staff-language.js";

// The staff pages, in the bar's order; `admin`: shown to admins only; `roles`: to those roles only.
const PAGES = [
  { href: "/ui/invigilator/index.html", label: N_("Console"), roles: ["invigilator", "admin"] },
  { href: "/ui/admin/marking.html", label: N_("Marking"), roles: ["marker", "admin"] },
  { href: "/ui/admin/analytics.html", label: N_("Analytics"), admin: true },
  { href: "/ui/admin/storage.html", label: N_("Storage"), admin: true },
  { href: "/ui/admin/performance.html", label: N_("Performance"), admin: true },
  { href: "/ui/admin/inspector.html", label: N_("Inspector"), admin: true },
];

/**
 * Builds the bar inside the page's `<header class="staff-bar" data-title="…">`: the hall's name,
 * the page's title, the staff pages, who is logged in and the way out. Call it first, before
 * anything is fetched, so the bar is there even when the hall cannot be reached.
 */
export function renderStaffBar() {
  const bar = document.querySelector("header.staff-bar");
  if (!bar || bar.childElementCount) return;
  const brand = el("div", { className: "staff-brand" },
                   el("p", { className: "hall-name", text: t("Exam hall"), attrs: { id: "hall-name" } }),
                   el("p", { className: "staff-page-title", text: t(bar.dataset.title || N_("Staff")) }));
  const nav = el("nav", { className: "staff-nav", attrs: { "aria-label": t("Staff pages") } });
  for (const page of PAGES) {
    const link = el("a", { text: t(page.label), attrs: { href: page.href } });
    if (page.admin) {
      link.setAttribute("data-admin-only", "");
      link.hidden = true;
    }
    if (page.roles) {
      link.dataset.roles = page.roles.join(" ");
      link.hidden = true;
    }
    nav.append(link);
  }
  const who = el("div", { className: "staff-who" },
                 el("span", { attrs: { id: "staff-who" } }),
                 el("div", { className: "staff-language", attrs: { "data-language-picker": "" } }),
                 el("button", { className: "button quiet small", text: t("Log out"),
                                attrs: { id: "log-out", type: "button" } }));
  bar.append(brand, nav, who);
  installStaffLanguagePicker();
}

function markCurrent(nav) {
  for (const link of nav.querySelectorAll("a[href]")) {
    const here = new URL(link.href, location.href).pathname === location.pathname;
    if (here) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

/** Puts the hall's name into `element` (from the hall's public settings). */
export async function showHallName(element) {
  try {
    // The hall's public settings name it; the candidates' pages read the same answer.
    const settings = await getJson("/student/settings");
    if (settings.hall_name) element.textContent = settings.hall_name;
  } catch {
    // The name is decoration: without it the page still works.
  }
}

/** "hall admin", "invigilator": a role as the staff pages say it. */
export function roleName(role) {
  return { admin: t("hall admin"), invigilator: t("invigilator") }[role] ?? role;
}

/** Shows what only admins may open to admins, and hides it from everyone else. */
export function showForRole(role) {
  for (const element of document.querySelectorAll("[data-admin-only]")) {
    element.hidden = role !== "admin";
  }
  for (const element of document.querySelectorAll("[data-roles]")) {
    element.hidden = !element.dataset.roles.split(" ").includes(role);
  }
}

/** Fills the header for `member` ({name, role}), once per page. */
export function installHeader(member, { hallName = null } = {}) {
  const who = $("staff-who");
  if (who) who.textContent = `${member.name} · ${roleName(member.role)}`;
  showForRole(member.role);
  const nav = document.querySelector(".staff-nav");
  if (nav) markCurrent(nav);
  $("log-out")?.addEventListener("click", () => logOut());
  const name = $("hall-name");
  if (name && hallName) name.textContent = hallName;
  else if (name) showHallName(name);
}

/**
 * Starts a staff page: its language (the hall's staff language unless one was chosen on this PC),
 * the bar (so it is there even when the hall does not answer), then who is logged in (off to the login page without a staff login), then the header. Resolves
 * with the member {name, role}, or null when the hall could not say (`onError(err)` says why).
 */
export async function startStaffPage(onError) {
  const settings = await startStaffLanguage();
  renderStaffBar();
  let member;
  try {
    member = await currentStaff();
  } catch (err) {
    onError(err);
    return null;
  }
  installHeader(member, { hallName: settings.hall_name });
  return member;
}
