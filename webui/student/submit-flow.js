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

const COMPLETE_RETRY_MS = 5000;
const TIME_LEFT_TO_GO_ON = 2; // seconds the hall must still give for the exam to go on at zero
const TIME_UP = "Time is up. Your answers are being handed in.";

const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

export class SubmitFlow {
  /** page: the ExamPage (its candidate, exam, journal, manager, clock, navigation, lock). */
  constructor(page) {
    this.page = page;
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
        throw new Error("The hall cannot be reached, so your exam is not submitted yet. Your " +
                        "answers are kept on this PC. Try again in a moment.");
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
    closeAllModals("time");
    clock.warnEnd(TIME_UP);
    status.say(TIME_UP, { urgent: true });
    for (;;) {
      try {
        const hall = await clock.ask();
        if (hall.status === "in_progress" && hall.time_remaining > TIME_LEFT_TO_GO_ON) {
          return this.goOn(hall);
        }
        await this.submit();
        return;
      } catch {
        clock.warnEnd("Time is up. The hall cannot be reached: your answers are kept on this " +
                      "PC and handed in as soon as it can. Please stay at your seat.");
        await pause(COMPLETE_RETRY_MS);
      }
    }
  }

  /** The hall says time is left after all: the exam goes on where it was. */
  goOn(hall) {
    this.page.unlock();
    this.page.clock.goOn(hall);
    this.page.status.say(`The hall gives you more time: ${describeTime(hall.time_remaining)} left.`,
                         { urgent: true });
  }

  /** The hall ended the session (submitted elsewhere, or time over): nothing more to keep. */
  async ended(code, message) {
    this.page.manager.stop();
    await this.page.journal.clear();
    await this.leave();
    showExamEnded(code, message);
  }

  /** The hall acknowledged the submission: the journal is already cleared. */
  async finished(answer) {
    await this.leave();
    const paragraphs = [
      `Thank you, ${this.page.candidate.name}. The hall received your answers at ` +
      `${formatTimeOfDay(answer.completed_at)}.`,
      "Nothing of your exam is left on this PC. You can leave your seat when the invigilator says so.",
    ];
    if (typeof answer.score === "number") {
      paragraphs.splice(1, 0, `Your score: ${answer.score} out of ${answer.max_score}.`);
    }
    showMessage({ title: "Your exam is submitted", paragraphs,
                  actions: [{ text: "Finish", href: "index.html" }] });
  }

  /** After the end: the next candidate on this PC sees nothing of this one. */
  async leave() {
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
