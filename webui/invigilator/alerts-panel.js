// The alerts at the top of the console: what needs an invigilator now, newest first. Each says
// who, where (the seat to walk to) and what, and can be acknowledged (the hall logs who did).
// New alerts are also spoken by screen readers through an assertive live region: an alert is
// exactly the news that should interrupt.

import { errorText, postJson } from "../shared/api.js";
import { announce, el, setText } from "../shared/dom.js";
import { formatSpan, formatTimeOfDay } from "../shared/format.js";

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
      if (saved > since) return `Was silent for ${formatSpan((saved - since) / 1000)}; saving again`;
      return `No save for ${formatSpan((nowMs - since) / 1000)}`;
    }
    case "save_failures": {
      const offline = detail.offline_seconds ? `, offline for ${formatSpan(detail.offline_seconds)}` : "";
      return `${detail.failed_saves ?? "Several"} saves failed on the candidate's PC${offline}`;
    }
    case "lease_moved":
      return `Moved to another PC (from ${detail.from_seat || "unknown seat"} to ${detail.to_seat || "unknown seat"})`;
    case "move_requested":
      return `Asks to continue on another PC (${detail.to_seat || "unknown seat"}): needs your approval`;
    case "time_up":
      return `Time ran out at ${formatTimeOfDay(detail.deadline)}; submitted with what was saved`;
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

export class AlertsPanel {
  /** onFind(alert): show the candidate in the table; onApprove(alert, button): approve a move. */
  constructor({ model, clock, section, list, empty, count, announcer, heading, onFind, onApprove, onStatus }) {
    Object.assign(this, { model, clock, section, list, empty, count, announcer, heading, onFind,
                          onApprove, onStatus });
    this.items = new Map();
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
    this._place(alerts.map((alert) => this.items.get(alert.id)));
    this.count.textContent = String(alerts.length);
    this.section.dataset.count = String(alerts.length);
    this.empty.hidden = alerts.length > 0;
    this.tick();
    if (added.length) this._announce(added);
  }

  /** Newest first; items move only when the order changes (a moved item loses focus). */
  _place(items) {
    const current = [...this.list.children];
    if (items.length === current.length && items.every((item, i) => item === current[i])) return;
    const focused = this.list.contains(document.activeElement) ? document.activeElement : null;
    this.list.append(...items);
    focused?.focus({ preventScroll: true });
  }

  _announce(added) {
    const now = this.clock.now();
    const text = added.map((alert) => {
      const name = this.model.nameOf(alert.registration_number, alert.exam_id);
      const seat = seatOf(alert);
      return `Alert: ${alert.registration_number} ${name}. ${describeAlert(alert, now, this._row(alert))}.` +
        (seat ? ` Seat ${seat}.` : "");
    }).join(" ");
    announce(this.announcer, text);
  }

  _make(alert) {
    const name = this.model.nameOf(alert.registration_number, alert.exam_id);
    const who = `${alert.registration_number}${name ? ` · ${name}` : ""}`;
    const seat = seatOf(alert);
    const meta = [seat ? `Seat ${seat}` : "", alert.exam_id, `raised ${formatTimeOfDay(alert.raised_at)}`];
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
      const approve = button("Approve move…", "button small primary");
      approve.addEventListener("click", () => this.onApprove(alert, approve));
      actions.append(approve);
    }
    const find = button("Find", "button small quiet", `Find ${who} in the table`);
    find.addEventListener("click", () => this.onFind(alert));
    const acknowledge = button("Acknowledge", "button small", `Acknowledge the alert for ${who}`);
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
      this.onStatus(`Alert for ${alert.registration_number} acknowledged.`);
    } catch (err) {
      control.disabled = false;
      this.onStatus(errorText(err), true);
    }
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
