// Moving through the paper: the question on screen, Previous and Next, the grid, marking for
// review, and the progress line. Every change the candidate makes goes to the session manager.

import { $ } from "../shared/dom.js";
import { NavGrid } from "./nav-grid.js";
import { QuestionView } from "./question-view.js";
import { summarise } from "./state.js";
import { formatNumber, t, tn } from "../shared/i18n.js";

export class ExamNavigation {
  /** journal: the sitting's Journal; manager: its SessionManager; isLocked(): no more changes. */
  constructor({ journal, manager, isLocked, onRender = () => {} }) {
    this.onRender = onRender;   // after each question is drawn (the exam's tools add to it)
    this.journal = journal;
    this.manager = manager;
    this.isLocked = isLocked;
    this.questions = journal.paper.questions;
    this.view = new QuestionView($("question-body"), { onAnswer: (value) => this.answer(value) });
    this.grid = new NavGrid($("grid"), { onJump: (index) => this.goTo(index, { focus: true }) });
  }

  get state() { return this.journal.state; }

  /** Builds the grid and wires Previous, Next and Mark. */
  build() {
    this.grid.build(this.questions);
    $("prev").addEventListener("click", () => this.previous());
    $("next").addEventListener("click", () => this.next());
    $("mark").addEventListener("click", () => this.toggleMark());
  }

  /** The question on screen. */
  question() {
    return this.questions[Math.min(this.state.current, this.questions.length - 1)];
  }

  /** Sends a text answer still waiting for its pause (before leaving the question or the page). */
  flush() {
    this.view.flush();
  }

  render() {
    const locked = this.isLocked();
    const index = Math.min(this.state.current, this.questions.length - 1);
    const question = this.questions[index];
    $("question-number").textContent = t("Question {number} of {total}", { number: formatNumber(index + 1), total: formatNumber(this.questions.length) });
    const marks = question.marks;
    $("question-marks").textContent = typeof marks === "number" ? tn("{count} mark", "{count} marks", marks) : "";
    this.view.render(question, this.state.answers[question.id], { locked });
    $("prev").disabled = locked || index === 0;
    $("next").disabled = locked || index === this.questions.length - 1;
    this.renderMark();
    this.renderProgress();
    this.onRender(question, { locked });
  }

  renderMark() {
    const marked = this.state.marked.includes(this.question().id);
    $("mark").setAttribute("aria-pressed", String(marked));
    $("mark").classList.toggle("on", marked);
    $("mark-label").textContent = marked ? t("Marked for review") : t("Mark for review");
    $("mark").disabled = this.isLocked();
  }

  renderProgress() {
    const { answered } = summarise(this.state, this.questions);
    $("progress").textContent = t("{answered} of {total} answered", { answered: formatNumber(answered), total: formatNumber(this.questions.length) });
    this.grid.update(this.questions, this.state);
  }

  previous({ focus = false } = {}) {
    this.goTo(this.state.current - 1, { focus });
  }

  next({ focus = false } = {}) {
    this.goTo(this.state.current + 1, { focus });
  }

  goTo(index, { focus = false } = {}) {
    if (this.isLocked() || index < 0 || index >= this.questions.length) return;
    if (index === this.state.current) return;
    this.view.flush();
    this.manager.change({ field: "current_question", value: index }, { soon: true });
    this.render();
    // Moving by keyboard or from the grid lands on the question, so it is read out.
    if (focus) $("question").focus();
  }

  answer(value) {
    if (this.isLocked()) return;
    this.manager.change({ field: "answers", qid: this.question().id, value });
    this.renderProgress();
  }

  toggleMark() {
    if (this.isLocked()) return;
    const qid = this.question().id;
    const marked = this.state.marked.includes(qid)
      ? this.state.marked.filter((id) => id !== qid) : [...this.state.marked, qid];
    this.manager.change({ field: "marked_questions", value: marked });
    this.renderMark();
    this.renderProgress();
  }

  /** No more changes: the question shows as it is, the grid stays for reading only. */
  lock() {
    this.view.flush();
    this.render();
    this.grid.lock();
  }

  unlock() {
    this.render();
    this.grid.unlock();
  }
}
