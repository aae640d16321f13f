// What every admin page shares: the staff login check (an invigilator sees a plain "not for your
// role" and no figures), the header, and a figure loaded with its error said in the page.

import { currentStaff, errorText } from "../staff/staff-api.js";
import { installHeader, renderStaffBar } from "../staff/staff-header.js";
import { formatTimeOfDay } from "../staff/format.js";

const $ = (id) => document.getElementById(id);

/** Says the page is not for this member's role, where the page would have been. */
function deny(member) {
  const section = document.createElement("section");
  section.className = "admin-denied card";
  section.id = "admin-denied";
  section.setAttribute("aria-labelledby", "admin-denied-title");
  const title = document.createElement("h1");
  title.id = "admin-denied-title";
  title.textContent = "Not for your role";
  const text = document.createElement("p");
  text.id = "admin-denied-text";
  text.textContent =
    `These pages are for hall admins. You are logged in as ${member.name}, an ${member.role}.`;
  const way = document.createElement("p");
  const link = document.createElement("a");
  link.className = "button primary";
  link.href = "/ui/invigilator/index.html";
  link.textContent = "Open the invigilator console";
  way.append(link);
  section.append(title, text, way);
  $("admin-main").replaceWith(section); // nothing of an admin page stays behind for another role
}

/** Shows `text` as the page's error (the hall's own message when it sent one). */
export function showError(err) {
  const element = $("page-error");
  element.textContent = err ? errorText(err) : "";
  element.hidden = !err;
}

/** "Updated 14:05:09". */
export function stamp() {
  $("updated").textContent = `Updated ${formatTimeOfDay(Date.now())}`;
}

/**
 * Runs `load()` once the member of staff is known to be an admin, and again on the page's
 * Refresh button and every `everyMs` (when given).
 */
export async function startAdminPage(load, { everyMs = 0 } = {}) {
  renderStaffBar();
  let member;
  try {
    member = await currentStaff();
  } catch (err) {
    showError(err);
    return;
  }
  installHeader(member);
  if (member.role !== "admin") {
    deny(member);
    return;
  }
  $("admin-main").hidden = false;
  const run = async () => {
    try {
      await load();
      showError(null);
      stamp();
    } catch (err) {
      showError(err);
    }
  };
  $("refresh")?.addEventListener("click", run);
  await run();
  if (everyMs) setInterval(run, everyMs);
}

/** A number card: a big figure and what it is. */
export function statCard(label, value, note = "") {
  const card = document.createElement("div");
  card.className = "stat";
  const figure = document.createElement("p");
  figure.className = "stat-value";
  figure.textContent = value;
  const name = document.createElement("p");
  name.className = "stat-label";
  name.textContent = label;
  card.append(figure, name);
  if (note) {
    const small = document.createElement("p");
    small.className = "stat-note";
    small.textContent = note;
    card.append(small);
  }
  return card;
}

/** Replaces the children of the element `id`. */
export function fill(id, ...children) {
  $(id).replaceChildren(...children);
}
