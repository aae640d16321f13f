// The central's results view: per exam across halls, the count, the mean, the distribution of
// scores as a chart and a breakdown per hall; then every session, filtered, each candidate a
// link to their page.

import { $, el } from "../shared/dom.js";
import { formatNumber, t, tn } from "../shared/i18n.js";
import { distributionChart } from "./central-chart.js";
import { cell, fillTable, hallCell, hallName, row, stateWords } from "./central-common.js";

const number = (value) => (value == null ? "—" : formatNumber(value));

function perHall(exam) {
  const table = el("table", { className: "per-hall" },
    el("caption", { text: t("By hall") }),
    el("thead", {}, row([t("Hall"), t("Results"), t("Mean score"), t("Mean %")].map((h) => el("th", { text: h })))));
  table.append(el("tbody", {}, ...exam.halls.map((h) => row([
    hallCell(h.hall_id, h.hall_name), cell(number(h.count)), cell(number(h.mean_score)), cell(number(h.mean_percent)),
  ]))));
  return table;
}

function summaryOf(exam) {
  const counted = tn("{count} result", "{count} results", exam.count);
  const mean = t("mean {mean} of {max} ({percent} %)", { mean: number(exam.mean_score), max: number(exam.max_score),
                                                         percent: number(exam.mean_percent) });
  return `${counted} · ${mean}`;
}

function examBlock(exam) {
  const title = exam.title ? `${exam.exam_id} — ${exam.title}` : exam.exam_id;
  return el("article", { className: "exam-result", attrs: { "data-exam": exam.exam_id } },
    el("h3", { text: title }),
    el("p", { className: "summary", text: summaryOf(exam) }),
    distributionChart(exam.distribution, t("Scores in {exam}, in tenths of the maximum", { exam: exam.exam_id })),
    perHall(exam));
}

export function showResults(exams) {
  $("exam-results").replaceChildren(...exams.map(examBlock));
  $("results-empty").hidden = exams.length > 0;
}

let sessions = [];

function candidateLink(number) {
  return el("td", {}, el("a", { text: number, attrs: { href: `#candidate/${encodeURIComponent(number)}` } }));
}

export function showSessions(found = sessions) {
  sessions = found;
  const filter = $("filter").value.trim().toLowerCase();
  const shown = sessions.filter((s) => !filter
    || [hallName(s.hall_id), s.hall_id, s.exam_id, s.registration_number]
      .some((v) => v.toLowerCase().includes(filter)));
  fillTable($("sessions"), shown.map((s) => row([
    hallCell(s.hall_id), cell(s.exam_id), candidateLink(s.registration_number), cell(stateWords(s.state)),
    cell(s.revision), cell(s.score == null ? "" : `${s.score} / ${s.max_score}`),
    cell(Object.keys(s.answers).length),
  ])));
}

export function wireResults() {
  $("filter").addEventListener("input", () => showSessions());
}
