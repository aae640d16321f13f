// What an invigilator does to one candidate: extra time, pause and resume their clock, approve a
// move to a spare PC, name the desk of their PC, submit now. A row's Actions button opens the candidate's dialog (their
// facts, and only the actions their state allows); each action is then confirmed (see
// confirm-dialog.js) and sent; the hall logs it with the invigilator's name.

import { postJson } from "../shared/api.js";
import { closeModal, openModal } from "../shared/dialog.js";
import { $, termsAndValues } from "../shared/dom.js";
import { t, tn } from "../shared/i18n.js";
import { formatClock, formatSpan, formatTimeOfDay, statusLabel } from "../shared/format.js";
import { confirmAction } from "./confirm-dialog.js";
import { shownState, sinceLastSave, timeLeft } from "./roster-model.js";

const MAX_MINUTES = 600;

function actionPath(row, action) {
  return `/staff/candidates/${encodeURIComponent(row.registration_number)}/exams/` +
    `${encodeURIComponent(row.exam_id)}/${action}`;
}

/** Which actions `row`'s state allows, and a note on why others are missing. */
export function allowedActions(row) {
  if (row.status === "assigned") {
    return { actions: [], note: t("This candidate has not opened the exam yet; their clock has not started.") };
  }
  // The seat plan is about the PC, not the exam: its desk can be named at any time.
  const desk = row.device ? ["desk"] : [];
  if (row.status === "completed") return { actions: desk, note: t("This exam is submitted: nothing can change it now.") };
  const actions = ["extend", "force-submit", ...desk];
  let note = "";
  if (!row.paused) actions.push("pause");
  else if (row.pause_kind === "candidate") actions.push("resume");
  else note = t("The whole hall is paused: this clock starts again when the hall resumes.");
  if (row.move_requested) actions.push("approve-move");
  return { actions, note };
}

export class CandidateActions {
  /** onStatus(text, isError): where the outcome of an action is said. */
  constructor({ model, clock, onStatus }) {
    Object.assign(this, { model, clock, onStatus });
    this.dialog = $("candidate-dialog");
    this.key = null;
    this.dialog.addEventListener("click", (event) => this._chosen(event));
  }

  /** Opens the dialog of the row `key`; then confirms and runs the action chosen in it. */
  async open(key) {
    const row = this.model.row(key);
    if (!row) return;
    this.key = key;
    $("extend-error").hidden = true;
    $("extend-reason").value = "";
    $("desk-error").hidden = true;
    $("desk-name").value = row.desk ?? "";
    this.refresh(key);
    // Extra time is the most common action: the minutes are ready to type when it is allowed.
    const first = $("extend-group").hidden
      ? this.dialog.querySelector("[data-action]:not([hidden])") ?? this.dialog.querySelector("[data-close]")
      : $("extend-minutes");
    const choice = await openModal(this.dialog, { initialFocus: first });
    this.key = null;
    if (ACTIONS[choice]) await this.run(choice, this.model.row(key));
  }

  /** The open dialog follows its row: a candidate may submit while it is open. */
  refresh(key) {
    if (key !== this.key) return;
    const row = this.model.row(key);
    const now = this.clock.now();
    $("candidate-title").textContent = `${row.registration_number} · ${row.name ?? ""}`;   // names only
    $("inspect-link").href = `/ui/admin/inspector.html?candidate=${encodeURIComponent(row.registration_number)}`;
    const state = shownState(row);
    const quiet = sinceLastSave(row, now);
    $("candidate-facts").replaceChildren(...termsAndValues([
      [t("Exam"), row.exam_id],
      [t("Status"), state === "paused"
        ? (row.pause_kind === "hall" ? t("Paused (the hall)") : t("Paused (this candidate)"))
        : statusLabel(row.status)],
      [t("Time left"), row.status === "in_progress" ? formatClock(timeLeft(row, now)) : "—"],
      [t("Deadline"), row.deadline ? formatTimeOfDay(row.deadline) : "—"],
      [t("Answered"), row.status === "assigned" ? "—" : String(row.answered)],
      [t("Last save"), quiet === null ? "—" : t("{span} ago", { span: formatSpan(quiet) })],
      [t("Seat"), row.seat || "—"],
    ]));
    const { actions, note } = allowedActions(row);
    for (const control of this.dialog.querySelectorAll("[data-action]")) {
      control.hidden = !actions.includes(control.dataset.action);
    }
    $("extend-group").hidden = !actions.includes("extend");
    for (const group of this.dialog.querySelectorAll(".action-group")) {
      group.hidden = !group.querySelector("[data-action]:not([hidden])");
    }
    $("candidate-note").textContent = note;
    $("candidate-note").hidden = !note;
  }

  _chosen(event) {
    const control = event.target.closest("[data-action]");
    if (!control || this.key === null) return;
    if (control.dataset.action === "extend" && !this._extension()) return;
    if (control.dataset.action === "desk" && !this._deskName()) return;
    closeModal(this.dialog, control.dataset.action);
  }

  /** The extension typed in the dialog, or null (and a message) when it will not do. */
  _extension() {
    const minutes = Number($("extend-minutes").value);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_MINUTES) {
      $("extend-error").textContent = t("Extra time is a whole number of minutes, 1 to {most}.", { most: MAX_MINUTES });
      $("extend-error").hidden = false;
      $("extend-minutes").focus();
      return null;
    }
    return { minutes, reason: $("extend-reason").value.trim() };
  }

  /** The desk name typed in the dialog, or null (and a message) when it will not do. */
  _deskName() {
    const name = $("desk-name").value.trim();
    if (!name) {
      $("desk-error").textContent = t("Type the desk's name as the room's plan shows it, e.g. B4.");
      $("desk-error").hidden = false;
      $("desk-name").focus();
      return null;
    }
    return name;
  }

  /** Confirms `action` on `row`, runs it, and says how it went. */
  async run(action, row) {
    const plan = ACTIONS[action](row, this);
    const { done, result } = await confirmAction({ ...plan, run: () => postJson(actionPath(row, action), plan.body ?? {}) });
    if (!done) return;
    this.model.updateRow(result);
    this.onStatus(plan.said(result));
  }

  /** Approves the move an alert asks for (from the alerts panel). */
  approveMove(registrationNumber, examId) {
    const row = this.model.row(`${registrationNumber}/${examId}`);
    if (row) return this.run("approve-move", row);
    return undefined;
  }
}

function who(row) {
  return `${row.registration_number} (${row.name ?? t("no name")})`;
}

// Each action: what the confirmation says, what is sent, what is said once done.
const ACTIONS = {
  extend(row, actions) {
    const { minutes, reason } = actions._extension();
    const from = formatTimeOfDay(row.deadline);
    const to = formatTimeOfDay(Date.parse(row.deadline) + minutes * 60000);
    return {
      title: tn("Give {number} {count} more minute?", "Give {number} {count} more minutes?", minutes,
                { number: row.registration_number }),
      text: t("{who}: the deadline moves from {from} to {to}.", { who: who(row), from, to }) +
        (reason ? ` ${t("Reason: {reason}.", { reason })}` : ""),
      confirmLabel: tn("Give {count} minute", "Give {count} minutes", minutes),
      body: { minutes, reason },
      said: (done) => tn("{number}: {count} minute added; the deadline is now {deadline}.",
                         "{number}: {count} minutes added; the deadline is now {deadline}.", minutes,
                         { number: row.registration_number, deadline: formatTimeOfDay(done.deadline) }),
    };
  },
  pause(row, actions) {
    const left = formatClock(timeLeft(row, actions.clock.now()));
    return {
      title: t("Pause {number}'s clock?", { number: row.registration_number }),
      text: t("{who}: their time stops at about {left} left until you resume it. Their answers are still saved.",
              { who: who(row), left }),
      confirmLabel: t("Pause this clock"),
      said: (done) => t("{number}'s clock is paused at {left} left.",
                        { number: row.registration_number, left: formatClock(done.time_remaining) }),
    };
  },
  resume(row) {
    return {
      title: t("Resume {number}'s clock?", { number: row.registration_number }),
      text: t("{who}: their time runs again from {left}; the deadline moves later by the time it was paused.",
              { who: who(row), left: formatClock(row.time_remaining) }),
      confirmLabel: t("Resume this clock"),
      said: (done) => t("{number}'s clock runs again; the deadline is now {deadline}.",
                        { number: row.registration_number, deadline: formatTimeOfDay(done.deadline) }),
    };
  },
  "approve-move"(row, actions) {
    const request = [...actions.model.alerts.values()].find((alert) => alert.kind === "move_requested"
      && alert.registration_number === row.registration_number && alert.exam_id === row.exam_id);
    const seat = request?.detail?.to_seat;
    return {
      title: t("Move {number} to the spare PC?", { number: row.registration_number }),
      text: seat
        ? t("{who}: the exam continues on the PC that asked for it ({seat}). Saves from the old PC are refused from now on, and kept for review.",
            { who: who(row), seat })
        : t("{who}: the exam continues on the PC that asked for it. Saves from the old PC are refused from now on, and kept for review.",
            { who: who(row) }),
      confirmLabel: t("Approve the move"),
      said: () => t("{number} now continues on the spare PC.", { number: row.registration_number }),
    };
  },
  desk(row, actions) {
    const name = actions._deskName();
    const pc = row.address ? t("The PC at {address}", { address: row.address }) : t("This candidate's PC");
    return {
      title: t("Call {number}'s desk {name}?", { number: row.registration_number, name }),
      text: t("{who}: {pc} is desk {name} in the hall's seat plan from now on, for anyone who sits at it.",
              { who: who(row), pc, name }),
      confirmLabel: t("Name it {name}", { name }),
      body: { desk: name },
      said: (done) => t("{number} sits at desk {seat}.", { number: row.registration_number, seat: done.seat }),
    };
  },
  "force-submit"(row) {
    return {
      title: t("Submit {number}'s exam now?", { number: row.registration_number }),
      text: t("{who}: the exam is submitted with what is saved ({answered} answered). The candidate cannot change anything afterwards. This cannot be undone.",
              { who: who(row), answered: row.answered }),
      confirmLabel: t("Submit the exam now"),
      danger: true,
      said: () => t("{number}'s exam is submitted.", { number: row.registration_number }),
    };
  },
};
