// The end of the exam, each way it comes: the candidate submits, the time runs out, or the hall
// says it is over already. Afterwards nothing of this candidate stays on the PC.

import { ApiError, isTransient, postJson } from "../shared/api.js";
import { closeAllModals } from "../shared/dialog.js";
import { $ } from "../shared/dom.js";
import { describeTime, formatTimeOfDay } from "../shared/format.js";
import { clearPrefs } from "../shared/prefs.js";
import { forgetCandidate } from "./journal.js";
import { showExamEnded, showMessage } from "./message-view.js";
import { forgetImages } from "./offline-shell.js";
import { SaveState, endsTheExam } from "./session-manager.js";
import { summarise } from "./state.js";
import { confirmSubmit } from "./submit-dialog.js";
import { N_, formatNumber, t } from "../shared/i18n.js";

const COMPLETE_RETRY_MS = 5000;
const TIME_LEFT_TO_GO_ON = 2; // seconds the hall must still give for the exam to go on at zero
const TIME_UP = N_("Time is up. Your answers are being handed in.");

const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

export class SubmitFlow {
  /** page: the ExamPage (its candidate, exam, journal, manager, clock, navigation, lock). */
  constructor(page) {
    this.page = page;
    this.timingUp = false; // the countdown reached zero: this flow talks to the hall
    this.over = false;     // the hall ended the exam and the page said so
  }

  /** The Review and submit button: the summary, then back to a question or submitted. */
  async open() {
    const { nav, journal } = this.page;
    nav.flush();
    const summary = { ...summarise(journal.state, nav.questions), total: nav.questions.length };
    const outcome = await confirmSubmit(summary, () => this.submit());
    if (outcome && typeof outcome === "object") nav.goTo(outcome.jump, { focus: true });
  }

  /** Submits; throws an Error with a sentence for the candidate when it cannot be done now. */
  async submit() {
    const { clock, exam, journal, manager } = this.page;
    const left = clock.remaining() ?? 0;
    const timeSpent = Math.max(0, Math.round(exam.duration_seconds - left));
    let answer;
    try {
      answer = await manager.complete({ ...journal.state.answers }, timeSpent);
    } catch (err) {
      if (endsTheExam(err)) return this.ended(err.code, err.message);
      if (err instanceof ApiError && err.code === "lease_lost") return this.page.moves.moved();
      if (isTransient(err)) {
        throw new Error(t("The hall cannot be reached, so your exam is not submitted yet. Your answers are kept on this PC. Try again in a moment."));
      }
      throw new Error(err.message);
    }
    return this.finished(answer);
  }

  /**
   * The countdown reached zero. The hall owns the clock, so the page asks it first: time it
   * still gives (an extension this page missed, a drifting PC clock) lets the exam go on.
   * Otherwise the exam is handed in, retrying while the hall cannot be reached.
   */
  async timeUp() {
    const { clock, status } = this.page;
    if (this.page.locked) return;
    this.page.lock();
    this.timingUp = true;
    closeAllModals("time");
    clock.warnEnd(t(TIME_UP));
    status.say(t(TIME_UP), { urgent: true });
    for (;;) {
      try {
        const hall = await clock.ask();
        if (hall.status === "in_progress" && hall.time_remaining > TIME_LEFT_TO_GO_ON) {
          return this.goOn(hall);
        }
        await this.submit();
        return;
      } catch {
        clock.warnEnd(t("Time is up. The hall cannot be reached: your answers are kept on this PC and handed in as soon as it can. Please stay at your seat."));
        await pause(COMPLETE_RETRY_MS);
      }
    }
  }

  /** The hall says time is left after all: the exam goes on where it was. */
  goOn(hall) {
    this.timingUp = false;
    this.page.unlock();
    this.page.clock.goOn(hall);
    this.page.status.say(t("The hall gives you more time: {time} left.", { time: describeTime(hall.time_remaining) }),
                         { urgent: true });
  }

  /**
   * The hall ended the session (submitted elsewhere, by an invigilator, at the end of the
   * sitting, or time over; `reason` says which when the hall said): nothing more to keep.
   */
  async ended(code, message, reason = null) {
    if (this.over) return;
    this.over = true;
    this.page.manager.stop();
    await this.page.journal.clear();
    await this.leave();
    showExamEnded(code, message, reason);
  }

  /** The hall acknowledged the submission: the journal is already cleared. */
  async finished(answer) {
    await this.leave();
    const paragraphs = [
      t("Thank you, {name}. The hall received your answers at {time}.",
        { name: this.page.candidate.name, time: formatTimeOfDay(answer.completed_at) }),
      t("Nothing of your exam is left on this PC. You can leave your seat when the invigilator says so."),
    ];
    if (typeof answer.score === "number") {
      paragraphs.splice(1, 0, t("Your score: {score} out of {max}.",
                                { score: formatNumber(answer.score), max: formatNumber(answer.max_score) }));
    }
    showMessage({ title: t("Your exam is submitted"), paragraphs,
                  actions: [{ text: t("Finish"), href: "index.html" }] });
  }

  /** After the end: the next candidate on this PC sees nothing of this one. */
  async leave() {
    this.page.channel.stop();
    this.page.clock.stop();
    this.page.lock();
    $("exam-main").hidden = true;
    this.page.saveButton.hide();
    $("keys").hidden = true;
    this.page.status.show({ state: SaveState.ENDED, unsent: 0 });
    clearPrefs();
    await forgetImages();
    await forgetCandidate().catch(() => {});
    await postJson("/student/logout", {}).catch(() => {});
  }
}
