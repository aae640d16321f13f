// The check-in: a candidate whose sitting has not started waits here. The page shows the sitting
// and the exam, the candidate's name, registration number and seat, the instructions and a
// countdown to the scheduled start, and fetches no question: the hall refuses the paper
// (409 sitting_not_started) until the invigilator starts the sitting, and its notice
// (sitting_started, pushed: see notices.js) makes the page ask for the paper at once.
// After the late-entry window the hall refuses with 403 late_entry_closed: the page says to see
// the invigilator, and opens as soon as one admits the candidate (a notice again).

import { ApiError, getJson } from "../shared/api.js";
import { $ } from "../shared/dom.js";
import { formatClock, formatHourMinute } from "../shared/format.js";

const HOLDS = new Set(["sitting_not_started", "late_entry_closed"]);
const RECHECK_MS = 60000; // a slow safety net under the push; the notice is what starts the page
const TICK_MS = 1000;
const LATE = "The late-entry time has passed. Please see the invigilator.";
const WAITING = "Waiting for the invigilator to start the exam";
const NOTES = {
  waiting: "Stay at your seat. The exam opens on this screen by itself when it starts.",
  late: "The exam opens on this screen by itself as soon as an invigilator lets you in.",
};

/** Whether the hall holds the paper back for the sitting (not started, or too late to enter). */
export function holdsTheExam(err) {
  return err instanceof ApiError && HOLDS.has(err.code);
}

export class WaitingRoom {
  /** channel: the page's NoticeChannel; candidate: who logged in here (with their exams). */
  constructor({ channel, candidate, examId }) {
    this.channel = channel;
    this.candidate = candidate;
    this.exam = (candidate.exams || []).find((exam) => exam.id === examId) || { id: examId };
    this.sitting = null;
    this.startsAt = null;     // Date.parse of the scheduled start
    this.clockOffset = 0;     // the hall's clock minus this PC's, when the hall said its time
    this.ticking = null;
  }

  /** Shows why the exam is held; resolves when it is worth asking the hall for the paper again. */
  async wait(err) {
    this.show(err.code === "late_entry_closed");
    await this.learnSitting();
    return new Promise((resolve) => {
      const again = () => {
        unlisten();
        clearTimeout(timer);
        resolve();
      };
      // Notices are rare and the refusal is cheap: any of them (a start, an admission, a
      // restart of the hall) is worth one more ask.
      const unlisten = this.channel.listen(again);
      const timer = setTimeout(again, RECHECK_MS * (0.8 + Math.random() * 0.4));
    });
  }

  show(late) {
    const view = $("waiting-view");
    const first = view.hidden;
    $("exam-main").hidden = true;
    $("exam-title").textContent = this.exam.title || this.exam.id;
    $("candidate").textContent = `${this.candidate.name} · ${this.candidate.registration_number}`;
    $("waiting-exam").textContent = this.exam.title || this.exam.id;
    $("waiting-name").textContent = this.candidate.name;
    $("waiting-registration").textContent = this.candidate.registration_number;
    $("waiting-state").textContent = late ? LATE : WAITING;
    $("waiting-note").textContent = late ? NOTES.late : NOTES.waiting;
    view.classList.toggle("late", late);
    $("waiting-countdown").hidden = late;
    document.title = `${late ? "See the invigilator" : "Waiting to start"} — examhall`;
    view.hidden = false;
    if (first) view.focus();
    this.startTicking();
  }

  /** The sitting's name, instructions, start and the candidate's seat, from the hall. */
  async learnSitting() {
    const brief = this.exam.sitting;
    if (brief?.starts_at) this.startsAt = Date.parse(brief.starts_at);
    if (!brief?.id || this.sitting) return this.tick();
    try {
      this.sitting = await getJson(`/student/sitting/${encodeURIComponent(brief.id)}`);
    } catch {
      return this.tick(); // the login's brief is enough to wait with
    }
    const { sitting } = this;
    if (sitting.server_time) this.clockOffset = Date.parse(sitting.server_time) - Date.now();
    if (sitting.starts_at) this.startsAt = Date.parse(sitting.starts_at);
    $("waiting-sitting").textContent = sitting.name || "";
    const seat = sitting.seat ?? sitting.attendance?.seat ?? null;
    $("waiting-seat").textContent = seat || "";
    $("waiting-seat-row").hidden = !seat;
    $("waiting-instructions").textContent = sitting.instructions || "";
    $("waiting-instructions-section").hidden = !sitting.instructions;
    this.tick();
  }

  startTicking() {
    if (this.ticking === null) this.ticking = setInterval(() => this.tick(), TICK_MS);
  }

  tick() {
    const countdown = $("waiting-countdown");
    if (!Number.isFinite(this.startsAt)) {
      countdown.textContent = "";
      return;
    }
    const seconds = Math.round((this.startsAt - (Date.now() + this.clockOffset)) / 1000);
    countdown.textContent = seconds > 0
      ? `Starts at ${formatHourMinute(this.startsAt)}: in ${formatClock(seconds)}`
      : `Due to start at ${formatHourMinute(this.startsAt)}: the invigilator starts it shortly`;
  }

  /** The exam opens: the waiting view goes. */
  leave() {
    clearInterval(this.ticking);
    this.ticking = null;
    $("waiting-view").hidden = true;
  }
}
