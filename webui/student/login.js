// The login page: registration number and PIN, then straight into the exam (or a choice of
// exams). Who logged in is remembered on this PC, so the exam page can open while the hall is
// down after a reload.

import { postJson } from "../shared/api.js";
import { $, el } from "../shared/dom.js";
import { wireLoginForm } from "../shared/login-form.js";
import { installPrefs } from "../shared/prefs.js";
import { forgetCandidate, loggedInCandidate, rememberCandidate, unsentExams } from "./journal.js";
import { hallSettings } from "./settings.js";
import { keepPagesOffline } from "./offline-shell.js";
import { N_, chosenLanguage, t, useLanguage } from "../shared/i18n.js";
import { installLanguagePicker } from "../shared/language-picker.js";

const UNREACHABLE = N_("The hall cannot be reached. Check the network cable and try again, or raise your hand.");
const REASONS = {
  expired: N_("Your login has ended. Log in again: your answers are kept on this PC and sent once you are in."),
};

function examUrl(examId) {
  return `exam.html?exam=${encodeURIComponent(examId)}`;
}

function examItem(exam) {
  if (exam.status === "completed") return el("li", { className: "done", text: t("{title} — submitted", { title: exam.title }) });
  const words = exam.status === "in_progress" ? t("Continue: {title}", { title: exam.title })
    : t("Start: {title}", { title: exam.title });
  return el("li", {}, el("a", { className: "button primary", text: words,
                                attrs: { href: examUrl(exam.id) } }));
}

async function logIn(registration, pin) {
  const answer = await postJson("/student/login", { registration_number: registration, pin });
  await rememberCandidate(answer.candidate, answer.exams);
  chooseExam(answer.candidate, answer.exams);
}

// A candidate with nothing (more) to take leaves the PC as they found it: logged out, the form
// back for the next one.
async function logOut() {
  await postJson("/student/logout", {}).catch(() => { /* the login ends on this PC regardless */ });
  await forgetCandidate().catch(() => {});
  $("exams").hidden = true;
  $("exam-list").replaceChildren();
  $("registration").value = "";
  $("pin").value = "";
  $("login-form").hidden = false;
  $("registration").focus();
}

function chooseExam(candidate, exams) {
  const open = exams.filter((exam) => exam.status !== "completed");
  if (open.length === 1) {
    location.assign(examUrl(open[0].id));
    return;
  }
  $("login-form").hidden = true;
  $("continue").hidden = true;
  $("exams-who").textContent = `${candidate.name} · ${candidate.registration_number}`;
  const list = $("exam-list");
  list.replaceChildren(...exams.map(examItem));
  if (exams.length === 0 || open.length === 0) {
    list.append(el("li", { text: t("You have no exam to take now. Raise your hand if this is wrong.") }));
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
    ? t("{name}: answers of your exam are kept on this PC, not yet sent to the hall.", { name: candidate.name })
    : t("{name}: your exam is open on this PC.", { name: candidate.name });
  $("continue-list").replaceChildren(...open.map((exam) => examItem({ ...exam, status: "in_progress" })));
  $("continue").hidden = false;
}

async function main() {
  installPrefs();
  keepPagesOffline();
  // The candidate's choice on this PC, else the hall's language (as last seen when it is down).
  const settings = await hallSettings();
  $("hall-name").textContent = settings.hall_name;
  await useLanguage(chosenLanguage() || settings.language || "en");
  // The form's messages are set as it is wired: a new language reloads the page with it.
  installLanguagePicker(() => location.reload());
  const reason = new URLSearchParams(location.search).get("reason");
  if (Object.hasOwn(REASONS, reason || "")) {
    $("login-notice").textContent = t(REASONS[reason]);
    $("login-notice").hidden = false;
  }
  wireLoginForm({ who: "registration", secret: "pin", busyText: t("Logging in…"), unreachable: t(UNREACHABLE),
                  missing: t("Type both your registration number and your PIN."), logIn });
  $("log-out").addEventListener("click", logOut);
  $("registration").focus();
  await offerToContinue();
}

main();
