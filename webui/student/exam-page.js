// The exam page: puts its parts together and starts them. It keeps working when the hall does
// not answer, and says so. (exam-boot.js opens the sitting and hands it here.)
//
//   exam-navigation.js  the question on screen, the grid, marking, progress
//   exam-clock.js       the countdown and the hall's clock, pauses, warnings
//   save-button.js      Save progress
//   lease-moves.js      the exam moved to another PC, waits to come here, or another tab took it
//   submit-flow.js      submitting, time up, the end
//   exam-notices.js     what an invigilator did, pushed by the hall (notices.js), acted on at once
// Every change goes to the session manager (journal first, then the hall).

import { closeAllModals, openModal } from "../shared/dialog.js";
import { $ } from "../shared/dom.js";
import { examPaths } from "./exam-paths.js";
import { SessionManager, SaveState } from "./session-manager.js";
import { StatusView } from "./status-view.js";
import { ExamClock } from "./exam-clock.js";
import { ExamNavigation } from "./exam-navigation.js";
import { SaveButton } from "./save-button.js";
import { LeaseMoves } from "./lease-moves.js";
import { SubmitFlow } from "./submit-flow.js";
import { ExamNotices } from "./exam-notices.js";
import { installShortcuts } from "./keyboard.js";
import { askToResume } from "./resume-dialog.js";
import { hasToolMarks, summarise } from "./state.js";
import { keepImages } from "./offline-shell.js";
import { imageSources } from "./rich-text.js";
import { ExamTools } from "./tools/exam-tools.js";

export class ExamPage {
  constructor({ journal, settings, candidate, examId, channel }) {
    this.journal = journal;
    this.settings = settings;
    this.candidate = candidate;
    this.exam = journal.paper.exam;
    this.locked = false;
    const paths = examPaths(examId);
    const isLocked = () => this.locked;
    this.status = new StatusView({ indicator: $("save-status"), live: $("live"), alert: $("alert") });
    this.moves = new LeaseMoves(this);
    this.ending = new SubmitFlow(this);
    this.channel = channel;
    this.notices = new ExamNotices(this);
    this.clock = new ExamClock({
      path: paths.clock, status: this.status,
      onExpire: () => this.ending.timeUp(),
      onHallClock: (clock) => this.moves.follow(clock),
    });
    this.manager = new SessionManager({
      journal, paths, autosaveSeconds: settings.autosave_seconds,
      remainingSeconds: () => this.clock.remaining(),
      hooks: {
        onStatus: (status) => this.status.show(status),
        onServerClock: (answer) => this.clock.sync(answer),
        onLeaseLost: () => this.moves.moved(),
        onMovePending: () => this.moves.waitForMove(),
        onEnded: (err) => this.ending.ended(err.code, err.message, err.details?.reason),
        onLoginNeeded: () => this.loginNeeded(),
      },
    });
    this.tools = new ExamTools({ allowed: this.exam.tools, journal, manager: this.manager, isLocked });
    this.nav = new ExamNavigation({ journal, manager: this.manager, isLocked,
                                    onRender: (question, how) => this.tools.decorate(question, how) });
    this.tools.onRedraw = () => this.nav.render();
    this.saveButton = new SaveButton({ manager: this.manager, journal, status: this.status, isLocked,
                                       flush: () => this.nav.flush() });
  }

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
    this.saveButton.show();
    this.nav.build();
    this.tools.install();
    this.wire();
    this.clock.start(this.journal.estimatedRemaining(), this.journal.paused);
    this.nav.render();
    this.channel.listen((notice) => this.notices.heard(notice));
    if (waiting) return this.moves.waitForMove();
    if (moved) return this.moves.moved();
    const questions = this.nav.questions;
    keepImages(imageSources(questions.flatMap((q) => [q.html, ...Object.values(q.options_html || {})])));
    // The page's own listeners run before the manager's, so text typed just before the page
    // closes is journaled before the manager sends its last batch.
    window.addEventListener("pagehide", () => this.nav.flush());
    document.addEventListener("visibilitychange", () => this.nav.flush());
    this.manager.start();
    this.clock.watch();
    if (!online) this.status.show({ state: SaveState.OFFLINE, unsent: this.journal.unsentCount() });
    if (this.hasProgress()) {
      await askToResume(() => this.resumeFacts(), { name: this.candidate.name, offline: !online });
    }
    $("question").focus();
  }

  hasProgress() {
    const { answers, marked, current, tools } = this.journal.state;
    return current > 0 || marked.length > 0 || Object.keys(answers).length > 0 || hasToolMarks(tools);
  }

  resumeFacts() {
    const { state } = this.journal;
    return { questionNumber: state.current + 1, secondsLeft: this.clock.remaining(),
             answered: summarise(state, this.nav.questions).answered };
  }

  wire() {
    $("open-submit").addEventListener("click", () => this.ending.open());
    const { nav } = this;
    installShortcuts({
      blocked: () => this.locked || Boolean(document.querySelector("dialog[open]")),
      optionKeys: () => nav.view.optionKeys(),
      choose: (key) => nav.view.choose(key),
      chooseNth: (index) => nav.view.chooseNth(index),
      previous: () => nav.previous({ focus: true }),
      next: () => nav.next({ focus: true }),
      mark: () => nav.toggleMark(),
      save: () => this.saveButton.save(),
    });
  }

  /** The candidate switched the interface language: the page's words follow, nothing else moves. */
  languageChanged(language) {
    this.nav.flush();
    this.tools.keepLanguage(language);
    this.tools.relabel();
    this.nav.render();
    document.title = `${this.exam.title} — examhall`;
  }

  /** Nothing more can change on this page (moved, waiting, time up, the end). */
  lock() {
    this.locked = true;
    this.clock.unwatch();
    this.nav.lock();
    $("open-submit").disabled = true;
    this.saveButton.setEnabled(false);
  }

  /** Undoes lock(): the hall gave time after all. */
  unlock() {
    this.locked = false;
    this.nav.unlock();
    $("open-submit").disabled = false;
    this.saveButton.setEnabled(true);
  }

  /** The same exam was opened in another tab of this browser: that one carries on. */
  takenOver() {
    this.moves.takenOver();
  }

  loginNeeded() {
    closeAllModals("login");
    openModal($("login-dialog"), { dismissable: false });
  }
}
