// What the exam page does at once with each notice of the hall (notices.js): an invigilator's
// pause, resume or extra time moves the clock; a submit by an invigilator ends the exam and says
// who did it; anything else (a hall pause, a move approved, the end of the sitting, a missed
// stretch of notices) makes the page ask the hall's clock, which says where the exam stands.

import { describeTime } from "../shared/format.js";

// Notices that carry this session's clock: {exam_id, status, time_remaining, paused, deadline}.
const CLOCK_NOTICES = new Set(["paused", "resumed", "time_extended"]);
const SAID = {
  paused: "An invigilator paused your exam clock.",
  resumed: "An invigilator restarted your exam clock.",
};

export class ExamNotices {
  /** page: the ExamPage (its exam, clock, status, lease moves and submit flow). */
  constructor(page) {
    this.page = page;
  }

  async heard({ kind, data = {} }) {
    const { page } = this;
    if (data.exam_id && data.exam_id !== page.exam.id) return; // another exam of this candidate
    if (kind === "force_submitted") return this.ended("force_submitted");
    if (CLOCK_NOTICES.has(kind) && data.status === "in_progress") return this.clockMoved(kind, data);
    return this.askTheHall();
  }

  clockMoved(kind, data) {
    const { clock, status } = this.page;
    if (kind === "time_extended" && this.page.locked) return this.askTheHall(); // at zero: go on
    clock.sync(data);
    if (kind === "time_extended") {
      status.say(`An invigilator gave you more time: ${describeTime(data.time_remaining)} left.`,
                 { urgent: true });
    } else {
      status.say(SAID[kind]);
    }
  }

  /** The hall's clock says where the exam stands now. */
  async askTheHall() {
    const { page } = this;
    let clock;
    try {
      clock = await page.clock.ask();
    } catch {
      return; // the hall does not answer: the save path says so, and the next notice asks again
    }
    if (clock.status === "completed") return this.ended(clock.reason);
    if (page.locked && page.ending.timingUp) return; // the time-up flow asks the hall itself
    page.clock.sync(clock);
    page.moves.follow(clock);
  }

  ended(reason) {
    const said = {
      force_submitted: "An invigilator submitted your exam with the answers the hall had saved.",
      sitting_ended: "The invigilator ended the exam for the hall. Your exam was handed in with the answers the hall had saved.",
    }[reason] || "Your exam has been handed in with the answers the hall had saved.";
    return this.page.ending.ended("session_completed", said, reason);
  }
}
