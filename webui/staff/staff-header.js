// The bar across the top of every staff page: the hall, who is logged in, the pages their role
// opens, and the way out. Links to admin pages are shown to admins only (the hall refuses them
// to invigilators anyway; hiding them keeps the console calm).

import { getJson, logOut } from "./staff-api.js";

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
