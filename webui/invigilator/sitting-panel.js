// The sittings of today, one panel each: when it starts (counted on the hall's clock), who has
// checked in, the Start and End buttons (each confirmed), a sealed paper's release code field,
// late and refused attempts to admit,
// the missing to mark absent, the incidents, and the register to download.
// The panels follow the live feed ("sitting", "sitting_refused" and "sitting_checked_in" items,
// and any candidate's change), and re-read each sitting lightly every few seconds besides.

import { getJson, postJson } from "../shared/api.js";
import { $, el, setText } from "../shared/dom.js";
import { formatClock, formatHourMinute, formatTimeOfDay } from "../shared/format.js";
import { N_, currentLanguage, t, tn } from "../shared/i18n.js";
import { confirmAction } from "./confirm-dialog.js";
import { PeopleLists } from "./sitting-people.js";
import { ReleaseForm } from "./sitting-release.js";

const REFRESH_MS = 5000;
const SOON_MS = 300;
// An ended sitting of today stays, for its register and its incidents.
const SHOWN_STATES = new Set(["scheduled", "checking_in", "started", "ended"]);
const STATE_WORDS = {
  scheduled: N_("Scheduled: check-in not open yet"),
  checking_in: N_("Check-in open: waiting for you to start"),
  started: N_("Started"),
  ended: N_("Ended"),
};

/** Whether the ISO time `iso` falls on the same day, on this PC's calendar, as `nowMs`. */
function sameDay(iso, nowMs) {
  const a = new Date(iso);
  const b = new Date(nowMs);
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

/** One sitting's panel. */
class SittingCard {
  constructor({ sitting, clock, onStatus, onChanged }) {
    Object.assign(this, { clock, onStatus, onChanged });
    this.id = sitting.id;
    const titleId = `sitting-title-${sitting.id}`;
    this.title = el("h3", { attrs: { id: titleId, tabindex: "-1" } });
    this.exams = el("p", { className: "sitting-exams" });
    this.stateLine = el("p", { className: "sitting-state", attrs: { "data-role": "state" } });
    this.countdown = el("p", { className: "sitting-countdown", attrs: { "data-role": "countdown" } });
    this.counts = el("dl", { className: "sitting-counts", attrs: { "aria-live": "polite" } });
    this.startButton = el("button", { className: "button primary", text: t("Start the sitting…"), attrs: { type: "button" } });
    this.endButton = el("button", { className: "button danger", text: t("End the sitting…"), attrs: { type: "button" } });
    this.startButton.addEventListener("click", () => this._start());
    this.endButton.addEventListener("click", () => this._end());
    const register = el("p", { className: "sitting-register" }, `${t("Attendance register:")} `,
      el("a", { text: t("PDF (to print and sign)"), attrs: { href: `/staff/sittings/${encodeURIComponent(sitting.id)}/register?language=${encodeURIComponent(currentLanguage())}&format=pdf`, download: "" } }),
      " · ",
      el("a", { text: t("CSV"), attrs: { href: `/staff/sittings/${encodeURIComponent(sitting.id)}/register?format=csv`, download: "" } }));
    this.release = new ReleaseForm({ sittingId: sitting.id, onReleased: (released) => {
      this.update(released);
      this.onStatus(t("{sitting}: the paper is released; the sitting can start.",
                      { sitting: this.sitting.name || t("The sitting") }));
      this.onChanged(this.id);
    } });
    this.people = new PeopleLists({ sittingId: sitting.id, clock, onStatus, onChanged: () => onChanged(this.id) });
    this.element = el("article", { className: "sitting card", attrs: { "aria-labelledby": titleId, "data-sitting-id": sitting.id } },
      el("div", { className: "sitting-head" },
        el("div", {}, this.title, this.exams, this.stateLine),
        el("div", { className: "sitting-controls" }, this.countdown, this.startButton, this.endButton)),
      this.release.element, this.counts, this.people.element, register);
    this.update(sitting);
  }

  /** The sitting as GET /staff/sittings/{id} (or a feed item, without counts) gives it. */
  update(sitting) {
    this.sitting = { ...this.sitting, ...sitting };
    const s = this.sitting;
    setText(this.title, s.name || t("Sitting {id}", { id: s.id }));
    setText(this.exams, [
      `${tn("{count} exam", "{count} exams", s.exams.length)}: ${s.exams.join(", ")}`,
      t("scheduled start {time}", { time: formatHourMinute(s.starts_at) }),
      s.policy === "own_clock" ? t("each candidate gets the full time") : t("everyone ends together"),
      t("late entry {minutes} min", { minutes: s.late_entry_minutes }),
    ].join(" · "));
    this.element.dataset.state = s.state;
    setText(this.stateLine, STATE_WORDS[s.state] ? t(STATE_WORDS[s.state]) : s.state);
    this.startButton.hidden = s.state === "started" || s.state === "ended";
    this.endButton.hidden = s.state !== "started";
    this.release.show(s.sealed === true);
    this.startButton.disabled = s.sealed === true;
    if (s.counts) this._renderCounts(s.counts);
    if (s.candidates) this.people.update(s);
    this.tick();
  }

  _renderCounts(counts) {
    // [what the hall counts (the element's data-count), its words, how many]
    const shown = [["expected", t("Expected"), counts.expected], ["checked_in", t("Checked in"), counts.checked_in],
                   ["missing", t("Missing"), counts.missing]];
    if (this.sitting.state === "started" || this.sitting.state === "ended") {
      shown.push(["started", t("Started"), counts.started], ["submitted", t("Submitted"), counts.submitted]);
    }
    shown.push(["absent", t("Absent"), counts.absent], ["refused", t("Refused, waiting"), counts.refused]);
    const key = JSON.stringify(shown);
    if (this.countsKey === key) return;
    this.countsKey = key;
    this.counts.replaceChildren(...shown.flatMap(([counted, term, value]) => [
      el("div", { className: "sitting-count", attrs: { "data-count": counted } },
        el("dt", { text: term }), el("dd", { text: String(value ?? 0) }))]));
  }

  /** Once a second: the countdown to the start, or the time since. */
  tick() {
    const s = this.sitting;
    const now = this.clock.now();
    let line;
    if (s.state === "ended") {
      line = t("Ended at {time}", { time: formatTimeOfDay(s.ended_at) });
    } else if (s.state === "started") {
      line = `${t("Started at {time}", { time: formatTimeOfDay(s.started_at) })} · ` +
        (s.late_entry_until && Date.parse(s.late_entry_until) > now
          ? t("late entry closes in {clock}", { clock: formatClock((Date.parse(s.late_entry_until) - now) / 1000) })
          : t("late entry closed"));
    } else {
      const left = (Date.parse(s.starts_at) - now) / 1000;
      line = left > 0 ? t("Starts in {clock}", { clock: formatClock(left) })
        : t("Scheduled start passed {clock} ago", { clock: formatClock(-left) });
    }
    setText(this.countdown, line);
  }

  async _start() {
    const c = this.sitting.counts ?? { checked_in: 0, missing: 0 };
    const { done, result } = await confirmAction({
      title: t("Start the sitting now?"),
      text: t("{checked_in} and {missing}. Every checked-in candidate's paper opens now; a candidate who arrives later can enter for {minutes}.", {
        checked_in: tn("{count} candidate is checked in", "{count} candidates are checked in", c.checked_in),
        missing: tn("{count} is missing", "{count} are missing", c.missing),
        minutes: tn("{count} minute", "{count} minutes", this.sitting.late_entry_minutes),
      }),
      confirmLabel: t("Start the sitting"),
      run: () => postJson(`/staff/sittings/${encodeURIComponent(this.id)}/start`),
    });
    if (!done) return;
    this.update(result);
    this.onStatus(t("{sitting} started at {time}.", { sitting: this.sitting.name || t("The sitting"),
                                                      time: formatTimeOfDay(result.started_at) }));
    this.title.focus(); // the Start button is gone: focus stays in this panel
    this.onChanged(this.id);
  }

  async _end() {
    const { done, result } = await confirmAction({
      title: t("End the sitting now?"),
      text: t("Every open exam is submitted with what was saved. Candidates cannot change their answers afterwards."),
      confirmLabel: t("End the sitting"),
      danger: true,
      run: () => postJson(`/staff/sittings/${encodeURIComponent(this.id)}/end`),
    });
    if (!done) return;
    this.update(result);
    this.onStatus(t("{sitting} ended at {time}.", { sitting: this.sitting.name || t("The sitting"),
                                                    time: formatTimeOfDay(result.ended_at) }));
    this.title.focus();
    this.onChanged(this.id);
  }
}

/** Every sitting of today, in start order. */
export class SittingPanels {
  constructor({ clock, section, list, onStatus }) {
    Object.assign(this, { clock, section, list, onStatus });
    this.cards = new Map();
    this.timer = null;
  }

  start() {
    this.refresh();
    setInterval(() => this.refresh(), REFRESH_MS);
  }

  /** A feed item said something changed: re-read soon (several items make one re-read). */
  soon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), SOON_MS);
  }

  /** A "sitting_refused" feed item: someone came after late entry closed. */
  refused(attempt) {
    this.onStatus(t("Candidate {number} tried to enter {exam} after late entry closed: admit them from the sitting's Late and refused attempts.",
                    { number: attempt.registration_number, exam: attempt.exam_id }), true);
    this.soon();
  }

  /** A "sitting" feed item: the sitting's new state. */
  sittingChanged(sitting) {
    this.cards.get(sitting.id)?.update(sitting);
    this.soon();
  }

  tick() {
    for (const card of this.cards.values()) card.tick();
  }

  async refresh() {
    let listed;
    try {
      listed = (await getJson("/staff/sittings")).sittings;
    } catch {
      return; // the feed's own line says when the hall cannot be reached
    }
    const now = this.clock.now();
    const today = listed.filter((s) => SHOWN_STATES.has(s.state) && (sameDay(s.starts_at, now) || s.state === "started"))
      .sort((a, b) => a.starts_at.localeCompare(b.starts_at));
    const details = await Promise.all(today.map((s) => getJson(`/staff/sittings/${encodeURIComponent(s.id)}`).catch(() => s)));
    for (const sitting of details) {
      const card = this.cards.get(sitting.id);
      if (card) card.update(sitting);
      else this.cards.set(sitting.id, new SittingCard({
        sitting, clock: this.clock, onStatus: this.onStatus, onChanged: () => this.soon(),
      }));
    }
    const keep = new Set(details.map((s) => s.id));
    for (const [id, card] of this.cards) {
      if (!keep.has(id) && !card.element.contains(document.activeElement)) {
        card.element.remove();
        this.cards.delete(id);
      }
    }
    const wanted = details.map((s) => this.cards.get(s.id).element);
    if (wanted.some((node, index) => this.list.children[index] !== node)) this.list.append(...wanted);
    this.section.hidden = this.cards.size === 0;
  }
}
