// The exam page: one question at a time, the grid, the clock and the save status; every change
// goes to the session manager. It keeps working when the hall does not answer, and says so.
// (exam-boot.js opens the sitting and hands it here.)

import { clearPrefs } from "../shared/prefs.js";
import { closeAllModals, openModal } from "../shared/dialog.js";
import { ApiError, Unreachable, examPaths, getJson, postJson } from "./api.js";
import { forgetCandidate } from "./journal.js";
import { SessionManager, SaveState } from "./session-manager.js";
import { Countdown, describeTime, formatClock } from "./timer.js";
import { QuestionView } from "./question-view.js";
import { NavGrid } from "./nav-grid.js";
import { StatusView, clockTime } from "./status-view.js";
import { installShortcuts } from "./keyboard.js";
import { askToResume } from "./resume-dialog.js";
import { confirmSubmit } from "./submit-dialog.js";
import { summarise } from "./state.js";
import { forgetImages, keepImages } from "./offline-shell.js";
import { imageSources } from "./rich-text.js";
import { showMessage } from "./message-view.js";

const $ = (id) => document.getElementById(id);
const COMPLETE_RETRY_MS = 5000;
const CLOCK_POLL_MS = 3000;   // while paused, or while waiting for a move to be approved
const CLOCK_QUIET_MS = 10000; // otherwise, the hall's clock is asked when saves bring nothing
const SAVE_LABEL_MS = 4000;   // how long the Save progress button shows its outcome
const TIME_LEFT_TO_GO_ON = 2; // seconds the hall must still give for the exam to go on at zero

export class ExamPage {
  constructor({ journal, settings, candidate, examId }) {
    this.journal = journal;
    this.settings = settings;
    this.candidate = candidate;
    this.paths = examPaths(examId);
    this.questions = journal.paper.questions;
    this.exam = journal.paper.exam;
    this.locked = false;
    this.status = new StatusView({ indicator: $("save-status"), live: $("live"), alert: $("alert") });
    this.countdown = new Countdown({
      onTick: (seconds) => this.showTime(seconds),
      onWarning: (threshold) => this.warnTime(threshold),
      onExpire: () => this.timeUp(),
    });
    this.view = new QuestionView($("question-body"), { onAnswer: (value) => this.answer(value) });
    this.grid = new NavGrid($("grid"), { onJump: (index) => this.goTo(index, { focus: true }) });
    this.manager = new SessionManager({
      journal, paths: this.paths, autosaveSeconds: settings.autosave_seconds,
      remainingSeconds: () => this.countdown.remaining(),
      hooks: {
        onStatus: (status) => this.status.show(status),
        onServerClock: (answer) => this.serverClock(answer),
        onLeaseLost: () => this.moved(),
        onMovePending: () => this.waitForMove(),
        onEnded: (code, message) => this.ended(code, message),
        onLoginNeeded: () => this.loginNeeded(),
      },
    });
  }

  get state() { return this.journal.state; }

  /**
   * Shows the exam and starts saving. `moved`: the exam is held by another PC; `waiting`: it is
   * coming to this PC once an invigilator approves.
   */
  async show({ online, moved, waiting = false }) {
    document.title = `${this.exam.title} — examhall`;
    $("hall-name").textContent = this.settings.hall_name;
    $("exam-title").textContent = this.exam.title;
    $("candidate").textContent = `${this.candidate.name} · ${this.candidate.registration_number}`;
    $("exam-main").hidden = false;
    $("clock").hidden = false;
    $("save-now").hidden = false;
    this.grid.build(this.questions);
    this.wire();
    this.countdown.sync(this.journal.estimatedRemaining(), { paused: this.journal.paused });
    this.countdown.start();
    this.showPause(this.journal.paused);
    this.render();
    if (waiting) return this.waitForMove();
    if (moved) return this.moved();
    keepImages(imageSources(this.questions.flatMap((q) => [q.html, ...Object.values(q.options_html || {})])));
    // The page's own listeners run before the manager's, so text typed just before the page
    // closes is journaled before the manager sends its last batch.
    window.addEventListener("pagehide", () => this.view.flush());
    document.addEventListener("visibilitychange", () => this.view.flush());
    this.manager.start();
    this.watchClock();
    if (!online) this.status.show({ state: SaveState.OFFLINE, unsent: this.journal.unsentCount() });
    if (this.hasProgress()) {
      await askToResume(() => this.resumeFacts(), { name: this.candidate.name, offline: !online });
    }
    $("question").focus();
  }

  hasProgress() {
    const { answers, marked, current } = this.state;
    return current > 0 || marked.length > 0 || Object.keys(answers).length > 0;
  }

  resumeFacts() {
    const left = this.countdown.remaining();
    return { questionNumber: this.state.current + 1, secondsLeft: left,
             answered: summarise(this.state, this.questions).answered };
  }

  wire() {
    $("prev").addEventListener("click", () => this.goTo(this.state.current - 1));
    $("next").addEventListener("click", () => this.goTo(this.state.current + 1));
    $("mark").addEventListener("click", () => this.toggleMark());
    $("open-submit").addEventListener("click", () => this.openSubmit());
    $("save-now").addEventListener("click", () => this.saveNow());
    installShortcuts({
      blocked: () => this.locked || Boolean(document.querySelector("dialog[open]")),
      optionKeys: () => this.view.optionKeys(),
      choose: (key) => this.view.choose(key),
      chooseNth: (index) => this.view.chooseNth(index),
      previous: () => this.goTo(this.state.current - 1, { focus: true }),
      next: () => this.goTo(this.state.current + 1, { focus: true }),
      mark: () => this.toggleMark(),
      save: () => this.saveNow(),
    });
  }

  /** The hall's clock, from any of its answers: time left, and whether it is paused. */
  serverClock({ time_remaining: seconds, paused = false }) {
    this.lastClockAt = performance.now();
    this.countdown.sync(seconds, { paused });
    this.showPause(paused);
  }

  showPause(paused) {
    const was = !$("pause-banner").hidden;
    $("pause-banner").hidden = !paused;
    $("clock").classList.toggle("paused", paused);
    $("clock-label").textContent = paused ? "Paused" : "Time left";
    if (paused && !was) this.status.say("The exam clock is paused.");
    if (!paused && was) {
      this.status.say(`The exam clock runs again. ${describeTime(this.countdown.remaining())} left.`);
    }
  }

  /**
   * Asks the hall's clock (GET .../session/clock, a cheap read) whenever saves have not brought
   * it lately: an extension or a pause shows within seconds, a move to another PC too. While
   * paused it asks more often, so the page restarts with the hall.
   */
  watchClock() {
    this.clockWatch = setInterval(() => {
      const quiet = performance.now() - (this.lastClockAt ?? 0);
      if (this.countdown.paused || quiet >= CLOCK_QUIET_MS) this.askClock();
    }, CLOCK_POLL_MS);
  }

  async askClock() {
    let clock;
    try {
      clock = await getJson(this.paths.clock);
    } catch {
      return; // the save path says when the hall does not answer; the clock keeps its last word
    }
    if (this.locked) return;
    this.serverClock(clock);
    if (clock.move_pending) this.waitForMove();
    else if (clock.lease_held === false) this.moved();
  }

  question() {
    return this.questions[Math.min(this.state.current, this.questions.length - 1)];
  }

  render() {
    const index = Math.min(this.state.current, this.questions.length - 1);
    const question = this.questions[index];
    $("question-number").textContent = `Question ${index + 1} of ${this.questions.length}`;
    const marks = question.marks;
    $("question-marks").textContent = typeof marks === "number" ? `${marks} ${marks === 1 ? "mark" : "marks"}` : "";
    this.view.render(question, this.state.answers[question.id], { locked: this.locked });
    $("prev").disabled = this.locked || index === 0;
    $("next").disabled = this.locked || index === this.questions.length - 1;
    this.renderMark();
    this.renderProgress();
  }

  renderMark() {
    const marked = this.state.marked.includes(this.question().id);
    $("mark").setAttribute("aria-pressed", String(marked));
    $("mark").classList.toggle("on", marked);
    $("mark-label").textContent = marked ? "Marked for review" : "Mark for review";
    $("mark").disabled = this.locked;
  }

  renderProgress() {
    const { answered } = summarise(this.state, this.questions);
    $("progress").textContent = `${answered} of ${this.questions.length} answered`;
    this.grid.update(this.questions, this.state);
  }

  goTo(index, { focus = false } = {}) {
    if (this.locked || index < 0 || index >= this.questions.length) return;
    if (index === this.state.current) return;
    this.view.flush();
    this.manager.change({ field: "current_question", value: index }, { soon: true });
    this.render();
    // Moving by keyboard or from the grid lands on the question, so it is read out.
    if (focus) $("question").focus();
  }

  answer(value) {
    if (this.locked) return;
    this.manager.change({ field: "answers", qid: this.question().id, value });
    this.renderProgress();
  }

  toggleMark() {
    if (this.locked) return;
    const qid = this.question().id;
    const marked = this.state.marked.includes(qid)
      ? this.state.marked.filter((id) => id !== qid) : [...this.state.marked, qid];
    this.manager.change({ field: "marked_questions", value: marked });
    this.renderMark();
    this.renderProgress();
  }

  async saveNow() {
    if (this.locked || this.savingNow) return;
    // Not disabled while busy: a disabled button would drop the keyboard focus on the floor.
    this.savingNow = true;
    const button = $("save-now");
    button.setAttribute("aria-disabled", "true");
    button.textContent = "Saving…";
    this.view.flush();
    const saved = await this.manager.saveNow();
    this.savingNow = false;
    button.removeAttribute("aria-disabled");
    // The button itself says how it went, for a few seconds, then offers itself again.
    button.textContent = saved ? `Saved at ${clockTime(this.manager.lastSaved)}` : "Kept on this PC";
    this.status.say(saved ? `All answers saved at ${clockTime(this.manager.lastSaved)}.`
      : `Not sent yet. Your answers are kept on this PC (${this.journal.unsentCount()} not yet sent).`);
    clearTimeout(this.saveLabel);
    this.saveLabel = setTimeout(() => { button.textContent = "Save progress"; }, SAVE_LABEL_MS);
  }

  showTime(seconds) {
    $("clock-value").textContent = formatClock(seconds);
    $("clock").classList.toggle("low", seconds <= 600);
    $("clock").classList.toggle("very-low", seconds <= 300);
  }

  warnTime(threshold) {
    const text = `${describeTime(threshold)} left. Check your answers and the ones marked for review.`;
    $("time-warning").textContent = text;
    $("time-warning").hidden = false;
    $("time-warning").classList.toggle("urgent", threshold <= 300);
    this.status.say(text, { urgent: true });
  }

  lock() {
    this.locked = true;
    clearInterval(this.clockWatch);
    this.view.flush();
    this.render();
    this.grid.lock();
    $("open-submit").disabled = true;
    $("save-now").disabled = true;
  }

  async moved() {
    if (this.hasMoved) return;
    this.hasMoved = true;
    // What this PC had not sent reaches the hall once, to be kept there for review...
    await this.manager.sendForReview();
    // ...and stays here too, never replayed: a later login on this PC must not lay it over
    // newer answers.
    await this.journal.freeze();
    this.lock();
    this.status.show({ state: SaveState.MOVED, unsent: this.journal.unsentCount() });
    closeAllModals("moved");
    await openModal($("moved-dialog"), { dismissable: false });
  }

  /** The same exam was opened in another tab of this browser: that one carries on. */
  takenOver() {
    this.manager.stop();
    this.lock();
    closeAllModals("tab");
    showMessage({
      title: "Your exam is open in another tab",
      paragraphs: ["This exam was opened again in another tab or window of this browser. " +
                   "Carry on there; this tab no longer saves anything."],
    });
  }

  /**
   * This PC waits for an invigilator to approve the move of the exam here: say so, and ask the
   * hall's clock until the lease is here (then open the exam afresh) or has gone elsewhere.
   */
  async waitForMove() {
    if (this.waitingPoll) return;
    this.manager.stop();
    this.lock();
    this.status.show({ state: SaveState.WAITING, unsent: this.journal.unsentCount() });
    closeAllModals("waiting");
    openModal($("waiting-dialog"), { dismissable: false, initialFocus: $("waiting-title") });
    this.waitingPoll = setInterval(async () => {
      let clock;
      try {
        clock = await getJson(this.paths.clock);
      } catch {
        return; // ask again at the next tick
      }
      if (clock.lease_held) location.reload();
      else if (!clock.move_pending) {
        clearInterval(this.waitingPoll);
        this.moved();
      }
    }, CLOCK_POLL_MS);
  }

  loginNeeded() {
    closeAllModals("login");
    openModal($("login-dialog"), { dismissable: false });
  }

  async openSubmit() {
    this.view.flush();
    const summary = { ...summarise(this.state, this.questions), total: this.questions.length };
    const outcome = await confirmSubmit(summary, () => this.submit());
    if (outcome && typeof outcome === "object") this.goTo(outcome.jump, { focus: true });
  }

  /** Submits; throws an Error with a sentence for the candidate when it cannot be done now. */
  async submit() {
    const left = this.countdown.remaining() ?? 0;
    const timeSpent = Math.max(0, Math.round(this.exam.duration_seconds - left));
    let answer;
    try {
      answer = await this.manager.complete({ ...this.state.answers }, timeSpent);
    } catch (err) {
      if (err instanceof ApiError && ["session_completed", "time_over"].includes(err.code)) {
        return this.ended(err.code, err.message);
      }
      if (err instanceof ApiError && err.code === "lease_lost") return this.moved();
      if (err instanceof Unreachable || (err instanceof ApiError && err.retryable)) {
        throw new Error("The hall cannot be reached, so your exam is not submitted yet. Your " +
                        "answers are kept on this PC. Try again in a moment.");
      }
      throw new Error(err.message);
    }
    await this.finished(answer);
  }

  /**
   * The countdown reached zero. The hall owns the clock, so the page asks it first: time it
   * still gives (an extension this page missed, a drifting PC clock) lets the exam go on.
   * Otherwise the exam is handed in, retrying while the hall cannot be reached.
   */
  async timeUp() {
    if (this.locked) return;
    this.lock();
    closeAllModals("time");
    this.warnEnd("Time is up. Your answers are being handed in.");
    this.status.say("Time is up. Your answers are being handed in.", { urgent: true });
    for (;;) {
      try {
        const clock = await getJson(this.paths.clock);
        if (clock.status === "in_progress" && clock.time_remaining > TIME_LEFT_TO_GO_ON) {
          return this.goOn(clock);
        }
        await this.submit();
        return;
      } catch {
        this.warnEnd("Time is up. The hall cannot be reached: your answers are kept on this " +
                     "PC and handed in as soon as it can. Please stay at your seat.");
        await new Promise((resolve) => setTimeout(resolve, COMPLETE_RETRY_MS));
      }
    }
  }

  warnEnd(text) {
    $("time-warning").textContent = text;
    $("time-warning").classList.add("urgent");
    $("time-warning").hidden = false;
  }

  /** The hall says time is left after all: the exam goes on where it was. */
  goOn(clock) {
    this.locked = false;
    this.countdown.expired = false;
    this.serverClock(clock);
    this.render();
    this.grid.unlock();
    $("open-submit").disabled = false;
    $("save-now").disabled = false;
    $("time-warning").hidden = true;
    this.watchClock();
    this.status.say(`The hall gives you more time: ${describeTime(clock.time_remaining)} left.`,
                    { urgent: true });
  }

  /** The hall ended the session (submitted elsewhere, or time over): nothing more to keep. */
  async ended(code, message) {
    this.manager.stop();
    await this.journal.clear();
    await this.leave();
    const timeOver = code === "time_over";
    showMessage({
      title: timeOver ? "Time is up" : "This exam is already submitted",
      paragraphs: [message, "You can leave your seat when the invigilator says so."],
      actions: [{ text: "Finish", href: "index.html" }],
    });
  }

  /** The hall acknowledged the submission: the journal is already cleared. */
  async finished(answer) {
    await this.leave();
    const paragraphs = [
      `Thank you, ${this.candidate.name}. The hall received your answers at ` +
      `${clockTime(answer.completed_at)}.`,
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
    this.countdown.stop();
    this.locked = true;
    clearInterval(this.clockWatch);
    $("exam-main").hidden = true;
    $("clock").hidden = true;
    $("save-now").hidden = true;
    $("time-warning").hidden = true;
    $("keys").hidden = true;
    this.status.show({ state: SaveState.ENDED, unsent: 0 });
    clearPrefs();
    await forgetImages();
    await forgetCandidate().catch(() => {});
    await postJson("/student/logout", {}).catch(() => {});
  }
}
