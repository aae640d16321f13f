// The bar across the top of every staff page: the hall, who is logged in, the pages their role
// opens, and the way out. Links to admin pages are shown to admins only (the hall refuses them
// to invigilators anyway; hiding them keeps the console calm).

import { getJson, logOut } from "./staff-api.js";

// The staff pages, in the bar's order; `admin`: shown to admins only.
const PAGES = [
  { href: "/ui/invigilator/index.html", label: "Console" },
  { href: "/ui/admin/analytics.html", label: "Analytics", admin: true },
  { href: "/ui/admin/storage.html", label: "Storage", admin: true },
  { href: "/ui/admin/performance.html", label: "Performance", admin: true },
  { href: "/ui/admin/inspector.html", label: "Inspector", admin: true },
];

function element(tag, attributes = {}, text = "") {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  if (text) made.textContent = text;
  return made;
}

/**
 * Builds the bar inside the page's `<header class="staff-bar" data-title="…">`: the hall's name,
 * the page's title, the staff pages, who is logged in and the way out. Call it first, before
 * anything is fetched, so the bar is there even when the hall cannot be reached.
 */
export function renderStaffBar() {
  const bar = document.querySelector("header.staff-bar");
  if (!bar || bar.childElementCount) return;
  const brand = element("div", { class: "staff-brand" });
  brand.append(element("p", { class: "hall-name", id: "hall-name" }, "Exam hall"),
               element("p", { class: "staff-page-title" }, bar.dataset.title || "Staff"));
  const nav = element("nav", { class: "staff-nav", "aria-label": "Staff pages" });
  for (const page of PAGES) {
    const link = element("a", { href: page.href }, page.label);
    if (page.admin) {
      link.setAttribute("data-admin-only", "");
      link.hidden = true;
    }
    nav.append(link);
  }
  const who = element("div", { class: "staff-who" });
  who.append(element("span", { id: "staff-who" }),
             element("button", { class: "button quiet small", id: "log-out", type: "button" }, "Log out"));
  bar.append(brand, nav, who);
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

/** Shows what only admins may open to admins, and hides it from everyone else. */
export function showForRole(role) {
  for (const element of document.querySelectorAll("[data-admin-only]")) {
    element.hidden = role !== "admin";
  }
}

/** Fills the header for `member` ({name, role}), once per page. */
export function installHeader(member, { hallName = null } = {}) {
  const who = document.getElementById("staff-who");
  if (who) who.textContent = `${member.name} · ${member.role}`;
  showForRole(member.role);
  const nav = document.querySelector(".staff-nav");
  if (nav) markCurrent(nav);
  document.getElementById("log-out")?.addEventListener("click", () => logOut());
  const name = document.getElementById("hall-name");
  if (name && hallName) name.textContent = hallName;
  else if (name) showHallName(name);
}
