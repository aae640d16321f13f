// The marking page: the exams with responses a person marks (GET /staff/marking), one exam's
// questions with their rubric and model answer and every answered response
// (GET /staff/marking/{exam}), and a mark with a comment for each
// (POST .../candidates/{number}/questions/{question}). Markers and admins only; the hall logs
// every mark with who gave it and scores the candidate's result again.

import { errorText, getJson, postJson } from "../shared/api.js";
import { $, el } from "../shared/dom.js";
import { formatDateTime } from "../shared/format.js";
import { formatNumber, t, tn } from "../shared/i18n.js";
import { fill, startAdminPage } from "./admin-page.js";

const page = { exams: [], exam: null, listing: null };

function enc(part) {
  return encodeURIComponent(part);
}

function questionCard(question) {
  const card = el("section", { className: "card panel marking-question", attrs: { "aria-labelledby": `mq-${question.id}` } },
                  el("h2", { text: t("Question {id} · out of {marks}", { id: question.id, marks: question.max_marks }), attrs: { id: `mq-${question.id}` } }),
                  el("p", { className: "marking-stem", text: question.text }));
  if (question.word_limit) card.append(el("p", { className: "muted", text: t("Word limit shown to candidates: {words}", { words: question.word_limit }) }));
  if (question.rubric) card.append(el("h3", { text: t("Rubric") }), el("p", { className: "marking-rubric", text: question.rubric }));
  if (question.model_answer) {
    const details = el("details", {}, el("summary", { text: t("Model answer") }),
                       el("p", { className: "marking-rubric", text: question.model_answer }));
    card.append(details);
  }
  return card;
}

function markedLine(response) {
  if (response.marks === null) return t("Not marked yet.");
  const facts = { marks: response.marks, by: response.marked_by, score: response.score, of: response.max_score };
  return response.marked_at
    ? t("Marked {marks} by {by} at {when}. Exam total now {score} of {of}.",
        { ...facts, when: formatDateTime(Date.parse(response.marked_at)) })
    : t("Marked {marks} by {by}. Exam total now {score} of {of}.", facts);
}

function overLimit(response) {
  // The page never stopped the candidate: the marker sees the overrun and weighs it as the rubric says.
  if (!response.words_over_limit) return [];
  return [el("p", { className: "marking-over-limit",
                    text: tn("Over the word limit: {words} words where the limit is {limit}, {count} word over.",
                             "Over the word limit: {words} words where the limit is {limit}, {count} words over.",
                             response.words_over_limit,
                             { words: formatNumber(response.words), limit: formatNumber(response.word_limit) }) })];
}

function responseCard(response, question) {
  const id = `${response.registration_number}-${response.question_id}`;
  const status = el("p", { className: "marking-status", text: markedLine(response), attrs: { id: `status-${id}`, role: "status" } });
  const marks = el("input", { attrs: { id: `marks-${id}`, type: "number", min: "0", max: String(question.max_marks),
                                       step: "0.5", inputmode: "decimal", required: "" } });
  marks.value = response.marks ?? "";
  const comment = el("textarea", { attrs: { id: `comment-${id}`, rows: "2", maxlength: "4000" } });
  comment.value = response.comment || "";
  const form = el("form", { className: "marking-form", attrs: { novalidate: "" } },
                  el("div", { className: "field" }, el("label", { text: t("Mark (0 to {marks})", { marks: question.max_marks }), attrs: { for: marks.id } }), marks),
                  el("div", { className: "field grow" }, el("label", { text: t("Comment"), attrs: { for: comment.id } }), comment),
                  el("button", { className: "button primary", text: t("Save mark"), attrs: { type: "submit" } }));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = Number(marks.value);
    if (marks.value === "" || !Number.isFinite(value)) {
      status.textContent = t("Type a mark from 0 to {marks}.", { marks: question.max_marks });
      marks.focus();
      return;
    }
    status.textContent = t("Saving…");
    try {
      const saved = await postJson(`/staff/marking/${enc(page.exam)}/candidates/${enc(response.registration_number)}/questions/${enc(response.question_id)}`,
                                   { marks: value, comment: comment.value });
      Object.assign(response, saved);
      status.textContent = markedLine(response);
      card.classList.add("is-marked");
      showCounts();
    } catch (err) {
      status.textContent = errorText(err);
    }
  });
  const card = el("article", { className: `card panel marking-response${response.marks === null ? "" : " is-marked"}`,
                               attrs: { "aria-labelledby": `title-${id}` } },
                  el("h3", { text: tn("{who} · question {id} · {count} word", "{who} · question {id} · {count} words", response.words,
                                { who: response.registration_number, id: response.question_id }),
                             attrs: { id: `title-${id}` } }),
                  ...overLimit(response),
                  el("div", { className: "marking-answer", text: String(response.response ?? ""), attrs: { tabindex: "0", "aria-label": t("Response of {who}", { who: response.registration_number }) } }),
                  form, status);
  return card;
}

function showCounts() {
  const responses = page.listing?.responses || [];
  const waiting = responses.filter((r) => r.marks === null).length;
  $("marking-counts").textContent = t("{waiting} to mark, {marked} marked.",
                                     { waiting, marked: responses.length - waiting });
}

function showExam() {
  const listing = page.listing;
  const byId = Object.fromEntries(listing.questions.map((q) => [q.id, q]));
  fill("marking-questions", ...listing.questions.map(questionCard));
  const onlyWaiting = $("marking-waiting").checked;
  const shown = listing.responses.filter((r) => !onlyWaiting || r.marks === null);
  fill("marking-responses", ...(shown.length ? shown.map((r) => responseCard(r, byId[r.question_id]))
    : [el("p", { className: "notice ok", text: t("Nothing left to mark in this exam.") })]));
  showCounts();
}

async function load() {
  const { exams } = await getJson("/staff/marking");
  page.exams = exams;
  const select = $("marking-exam");
  if (!exams.length) {
    fill("marking-responses", el("p", { className: "notice", text: t("No exam in this hall has questions a person marks.") }));
    return;
  }
  page.exam = exams.some((e) => e.exam_id === page.exam) ? page.exam : exams[0].exam_id;
  select.replaceChildren(...exams.map((e) => el("option", { text: t("{id} — {title} ({count} to mark)", { id: e.exam_id, title: e.title, count: e.to_mark }), attrs: { value: e.exam_id } })));
  select.value = page.exam;
  page.listing = await getJson(`/staff/marking/${enc(page.exam)}`);
  showExam();
}

$("marking-exam").addEventListener("change", async (event) => {
  page.exam = event.target.value;
  page.listing = await getJson(`/staff/marking/${enc(page.exam)}`);
  showExam();
});
$("marking-waiting").addEventListener("change", () => page.listing && showExam());

startAdminPage(load, { roles: ["marker", "admin"] });
