// What every admin page shares: the staff login check (an invigilator sees a plain "not for your
// role" and no figures), the header, and a figure loaded with its error said in the page.

import { errorText } from "../shared/api.js";
import { $, el } from "../shared/dom.js";
import { formatTimeOfDay } from "../shared/format.js";
import { t } from "../shared/i18n.js";
import { roleName, startStaffPage } from "../staff/staff-header.js";

/** Says the page is not for this member's role, where the page would have been. */
function deny(member) {
  const section = el("section", {
    className: "admin-denied card", attrs: { id: "admin-denied", "aria-labelledby": "admin-denied-title" },
  }, el("h1", { text: t("Not for your role"), attrs: { id: "admin-denied-title" } }),
  el("p", { text: member.role === "invigilator"
    ? t("These pages are for hall admins. You are logged in as {name}, an invigilator.", { name: member.name })
    : t("These pages are for hall admins. You are logged in as {name} ({role}).", { name: member.name, role: roleName(member.role) }),
            attrs: { id: "admin-denied-text" } }),
  el("p", {}, el("a", { className: "button primary", text: t("Open the invigilator console"),
                        attrs: { href: "/ui/invigilator/index.html" } })));
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
  $("updated").textContent = t("Updated {time}", { time: formatTimeOfDay(Date.now()) });
}

/**
 * Runs `load()` once the member of staff is known to have one of `roles` (admins by default),
 * and again on the page's Refresh button and every `everyMs` (when given).
 */
export async function startAdminPage(load, { everyMs = 0, roles = ["admin"] } = {}) {
  const member = await startStaffPage(showError);
  if (!member) return;
  if (!roles.includes(member.role)) {
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
  const card = el("div", { className: "stat" }, el("p", { className: "stat-value", text: value }),
                  el("p", { className: "stat-label", text: label }));
  if (note) card.append(el("p", { className: "stat-note", text: note }));
  return card;
}

/** Replaces the children of the element `id`. */
export function fill(id, ...children) {
  $(id).replaceChildren(...children);
}
