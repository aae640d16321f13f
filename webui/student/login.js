// The login page: registration number and PIN, then straight into the exam (or a choice of
// exams). Who logged in is remembered on this PC, so the exam page can open while the hall is
// down after a reload.

import { postJson } from "../shared/api.js";
import { $, el } from "../shared/dom.js";
import { wireLoginForm } from "../shared/login-form.js";
import { installPrefs } from "../shared/prefs.js";
import { loggedInCandidate, rememberCandidate, unsentExams } from "./journal.js";
import { hallSettings } from "./settings.js";
import { keepPagesOffline } from "./offline-shell.js";

const UNREACHABLE = "The hall cannot be reached. Check the network cable and try again, or raise your hand.";
const REASONS = {
  expired: "Your login has ended. Log in again: your answers are kept on this PC and sent once you are in.",
};

function examUrl(examId) {
  return `exam.html?exam=${encodeURIComponent(examId)}`;
}

function examItem(exam) {
  if (exam.status === "completed") return el("li", { className: "done", text: `${exam.title} — submitted` });
  const verb = exam.status === "in_progress" ? "Continue" : "Start";
  return el("li", {}, el("a", { className: "button primary", text: `${verb}: ${exam.title}`,
                                attrs: { href: examUrl(exam.id) } }));
}

async function logIn(registration, pin) {
  const answer = await postJson("/student/login", { registration_number: registration, pin });
  await rememberCandidate(answer.candidate, answer.exams);
  chooseExam(answer.exams);
}

function chooseExam(exams) {
  const open = exams.filter((exam) => exam.status !== "completed");
  if (open.length === 1) {
    location.assign(examUrl(open[0].id));
    return;
  }
  $("login-form").hidden = true;
  $("continue").hidden = true;
  const list = $("exam-list");
  list.replaceChildren(...exams.map(examItem));
  if (exams.length === 0 || open.length === 0) {
    list.append(el("li", { text: "You have no exam to take now. Raise your hand if this is wrong." }));
  }
  $("exams").hidden = false;
  (list.querySelector("a") || $("exams-title")).focus();
}

// After a crash or a reload while the hall was down, the same candidate gets back in one click.
async function offerToContinue() {
  const candidate = await loggedInCandidate().catch(() => undefined);
  if (!candidate) return;
  const open = (candidate.exams || []).filter((exam) => exam.status !== "completed");
  if (open.length === 0) return;
  const unsent = await unsentExams(candidate.registration_number).catch(() => []);
  $("continue-text").textContent = unsent.length
    ? `${candidate.name}: answers of your exam are kept on this PC, not yet sent to the hall.`
    : `${candidate.name}: your exam is open on this PC.`;
  $("continue-list").replaceChildren(...open.map((exam) => examItem({ ...exam, status: "in_progress" })));
  $("continue").hidden = false;
}

async function main() {
  installPrefs();
  keepPagesOffline();
  const reason = new URLSearchParams(location.search).get("reason");
  if (Object.hasOwn(REASONS, reason || "")) {
    $("login-notice").textContent = REASONS[reason];
    $("login-notice").hidden = false;
  }
  wireLoginForm({ who: "registration", secret: "pin", busyText: "Logging in…", unreachable: UNREACHABLE,
                  missing: "Type both your registration number and your PIN.", logIn });
  $("registration").focus();
  const [settings] = await Promise.all([hallSettings(), offerToContinue()]);
  $("hall-name").textContent = settings.hall_name;
}

main();
