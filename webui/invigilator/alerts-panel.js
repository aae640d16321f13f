// The alerts at the top of the console: what needs an invigilator now, grouped by kind (a switch
// that reboots silences a whole room at once: one group, one "Acknowledge all"), newest first
// within a group. Each says who, where (the seat to walk to) and what, and can be acknowledged
// (the hall logs who did). Alerts whose cause passes (a PC saving again, an exam submitted) are
// closed by the hall itself and leave on their own. New alerts are also spoken by screen readers
// through an assertive live region: an alert is exactly the news that should interrupt.

import { errorText, postJson } from "../shared/api.js";
import { announce, el, setText } from "../shared/dom.js";
import { formatSpan, formatTimeOfDay } from "../shared/format.js";
import { N_, t, tn } from "../shared/i18n.js";
import { confirmAction } from "./confirm-dialog.js";

/** The kinds in the order their groups are shown (most urgent first), with their headings. */
export const KIND_GROUPS = {
  move_requested: { title: N_("Waiting to move to another PC") },
  save_failures: { title: N_("Saves failing") },
  silent: { title: N_("No save lately") },
  time_up: { title: N_("Time ran out") },
  lease_moved: { title: N_("Moved to another PC") },
};

/**
 * What an alert means, in an invigilator's words, at the hall's time `nowMs`; `row` is the
 * candidate's roster row, when known (a silent candidate may be saving again by now).
 */
export function describeAlert(alert, nowMs, row = null) {
  const detail = alert.detail ?? {};
  switch (alert.kind) {
    case "silent": {
      const since = Date.parse(detail.since ?? alert.raised_at);
      const saved = row?.last_saved ? Date.parse(row.last_saved) : NaN;
      if (saved > since) return t("Was silent for {span}; saving again", { span: formatSpan((saved - since) / 1000) });
      return t("No save for {span}", { span: formatSpan((nowMs - since) / 1000) });
    }
    case "save_failures": {
      const failed = detail.failed_saves
        ? tn("{count} save failed on the candidate's PC", "{count} saves failed on the candidate's PC", detail.failed_saves)
        : t("Several saves failed on the candidate's PC");
      return detail.offline_seconds
        ? t("{failed}, offline for {span}", { failed, span: formatSpan(detail.offline_seconds) }) : failed;
    }
    case "lease_moved":
      return t("Moved to another PC (from {from} to {to})",
               { from: detail.from_seat || t("unknown seat"), to: detail.to_seat || t("unknown seat") });
    case "move_requested":
      return t("Asks to continue on another PC ({seat}): needs your approval", { seat: detail.to_seat || t("unknown seat") });
    case "time_up":
      return t("Time ran out at {time}; submitted with what was saved", { time: formatTimeOfDay(detail.deadline) });
    default:
      return alert.kind.replaceAll("_", " ");
  }
}

/** The seat an invigilator walks to for this alert. */
function seatOf(alert) {
  const detail = alert.detail ?? {};
  return detail.seat || detail.to_seat || detail.from_seat || "";
}

function button(text, className, label = null) {
  return el("button", { className, text, attrs: { type: "button", ...(label ? { "aria-label": label } : {}) } });
}

function groupOf(kind) {
  const known = KIND_GROUPS[kind];
  return known ? { title: t(known.title) } : { title: kind.replaceAll("_", " ") };
}

export class AlertsPanel {
  /** onFind(alert): show the candidate in the table; onApprove(alert, button): approve a move. */
  constructor({ model, clock, section, list, empty, count, announcer, heading, onFind, onApprove, onStatus }) {
    Object.assign(this, { model, clock, section, list, empty, count, announcer, heading, onFind,
                          onApprove, onStatus });
    this.items = new Map();
    this.groups = new Map();
  }

  /** The model's alerts changed; `added` are new ones to announce. */
  update({ added }) {
    const alerts = [...this.model.alerts.values()].sort((a, b) => b.raised_at.localeCompare(a.raised_at));
    for (const [id, item] of this.items) {
      if (!this.model.alerts.has(id)) {
        item.remove();
        this.items.delete(id);
      }
    }
    for (const alert of alerts) {
      if (!this.items.has(alert.id)) this.items.set(alert.id, this._make(alert));
    }
    this._placeGroups(alerts);
    this.count.textContent = String(alerts.length);
    this.section.dataset.count = String(alerts.length);
    this.empty.hidden = alerts.length > 0;
    this.tick();
    if (added.length) this._announce(added);
  }

  /** One group per kind with open alerts, in KIND_GROUPS' order; newest first inside. */
  _placeGroups(alerts) {
    const byKind = new Map();
    for (const alert of alerts) {
      if (!byKind.has(alert.kind)) byKind.set(alert.kind, []);
      byKind.get(alert.kind).push(this.items.get(alert.id));
    }
    for (const [kind, group] of this.groups) {
      if (!byKind.has(kind)) {
        group.element.remove();
        this.groups.delete(kind);
      }
    }
    const order = [...Object.keys(KIND_GROUPS), ...byKind.keys()];
    const kinds = [...new Set(order)].filter((kind) => byKind.has(kind));
    for (const kind of kinds) {
      const group = this.groups.get(kind) ?? this._makeGroup(kind);
      this.groups.set(kind, group);
      const items = byKind.get(kind);
      setText(group.count, String(items.length));
      group.all.hidden = items.length < 2;
      setText(group.all, t("Acknowledge all {count}", { count: items.length }));
      group.all.setAttribute("aria-label", t("Acknowledge all {count}: {group}", { count: items.length, group: groupOf(kind).title }));
      this._place(group.list, items);
    }
    this._place(this.list, kinds.map((kind) => this.groups.get(kind).element));
  }

  _makeGroup(kind) {
    const { title } = groupOf(kind);
    const count = el("span", { className: "alert-group-count" });
    const heading = el("h3", { className: "alert-group-title" }, `${title} `, count);
    const all = button(t("Acknowledge all"), "button small alert-ack-all");
    all.addEventListener("click", () => this.acknowledgeKind(kind, all));
    const list = el("ul", { className: "alert-group-items" });
    const element = el("li", { className: "alert-group" },
                       el("div", { className: "alert-group-head" }, heading, all), list);
    element.dataset.kind = kind;
    return { element, count, all, list };
  }

  /** Children in this order; they move only when the order changes (a moved item loses focus). */
  _place(parent, children) {
    const current = [...parent.children];
    if (children.length === current.length && children.every((child, i) => child === current[i])) return;
    const focused = parent.contains(document.activeElement) ? document.activeElement : null;
    parent.append(...children);
    focused?.focus({ preventScroll: true });
  }

  _announce(added) {
    const now = this.clock.now();
    const text = added.map((alert) => {
      const name = this.model.nameOf(alert.registration_number, alert.exam_id);
      const seat = seatOf(alert);
      const said = t("Alert: {number} {name}. {what}.", { number: alert.registration_number, name,
                                                          what: describeAlert(alert, now, this._row(alert)) });
      return seat ? `${said} ${t("Seat {seat}.", { seat })}` : said;
    }).join(" ");
    announce(this.announcer, text);
  }

  _make(alert) {
    const name = this.model.nameOf(alert.registration_number, alert.exam_id);
    const who = `${alert.registration_number}${name ? ` · ${name}` : ""}`;
    const seat = seatOf(alert);
    const meta = [seat ? t("Seat {seat}", { seat }) : "", alert.exam_id,
                  t("raised {time}", { time: formatTimeOfDay(alert.raised_at) })];
    const item = el("li", { className: "alert-item" },
                    el("div", { className: "alert-main" },
                       el("p", { className: "alert-what" },
                          el("strong", { className: "alert-who", text: who }), " ", el("span", { className: "alert-text" })),
                       el("p", { className: "alert-meta", text: meta.filter(Boolean).join(" · ") })),
                    this._buttons(alert, who));
    item.dataset.kind = alert.kind;
    item.dataset.alertId = alert.id;
    item.dataset.registrationNumber = alert.registration_number;
    return item;
  }

  _buttons(alert, who) {
    const actions = el("div", { className: "alert-actions" });
    if (alert.kind === "move_requested") {
      const approve = button(t("Approve move…"), "button small primary");
      approve.addEventListener("click", () => this.onApprove(alert, approve));
      actions.append(approve);
    }
    const find = button(t("Find"), "button small quiet", t("Find {who} in the table", { who }));
    find.addEventListener("click", () => this.onFind(alert));
    const acknowledge = button(t("Acknowledge"), "button small", t("Acknowledge the alert for {who}", { who }));
    acknowledge.addEventListener("click", () => this.acknowledge(alert, acknowledge));
    actions.append(find, acknowledge);
    return actions;
  }

  /** Acknowledges `alert`; focus moves to the next alert (or the heading), never into nothing. */
  async acknowledge(alert, control) {
    control.disabled = true;
    try {
      const done = await postJson(`/staff/alerts/${encodeURIComponent(alert.id)}/acknowledge`);
      const next = this._neighbour(alert.id);
      this.model.updateAlert(done);
      (next ?? this.heading).focus();
      this.onStatus(t("Alert for {number} acknowledged.", { number: alert.registration_number }));
    } catch (err) {
      control.disabled = false;
      this.onStatus(errorText(err), true);
    }
  }

  /** Acknowledges every open alert of `kind`, once confirmed; the hall closes each in the log. */
  async acknowledgeKind(kind, control) {
    const count = [...this.model.alerts.values()].filter((alert) => alert.kind === kind).length;
    const { title } = groupOf(kind);
    const { done, result } = await confirmAction({
      title: t("Acknowledge all {count}?", { count }),
      text: t('Every open alert under "{group}" ({count}) is acknowledged in your name. Alerts raised after this are shown as new.',
              { group: title, count }),
      confirmLabel: t("Acknowledge all {count}", { count }),
      run: () => postJson(`/staff/alerts/kinds/${encodeURIComponent(kind)}/acknowledge`),
    });
    if (!done) {
      control.focus();
      return;
    }
    // The feed brings each closing too; removing them here keeps the panel right at once.
    this.model.closeAlerts([...this.model.alerts.values()].filter((a) => a.kind === kind).map((a) => a.id));
    (this.list.querySelector(".alert-actions button:last-child") ?? this.heading).focus();
    this.onStatus(tn('{count} alert under "{group}" acknowledged.', '{count} alerts under "{group}" acknowledged.',
                     result.acknowledged, { group: title }));
  }

  _neighbour(id) {
    const item = this.items.get(id);
    const other = item?.nextElementSibling ?? item?.previousElementSibling;
    return other?.querySelector(".alert-actions button:last-child") ?? null;
  }

  _row(alert) {
    return this.model.row(`${alert.registration_number}/${alert.exam_id}`) ?? null;
  }

  /** Once a second (and after a candidate's change): "no save for ..." grows, or is over. */
  tick() {
    const now = this.clock.now();
    for (const [id, item] of this.items) {
      const alert = this.model.alerts.get(id);
      setText(item.querySelector(".alert-text"), describeAlert(alert, now, this._row(alert)));
    }
  }
}
