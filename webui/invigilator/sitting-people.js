// A sitting panel's people: the late and refused attempts (Admit, with the minutes to give), the
// candidates still missing (Absent), and the incidents (a small form and the list). Each list is
// drawn again only when what it shows changed, so a field being typed in keeps its focus.

import { errorText, postJson } from "../shared/api.js";
import { el } from "../shared/dom.js";
import { formatTimeOfDay } from "../shared/format.js";
import { N_, t, tn } from "../shared/i18n.js";
import { confirmAction } from "./confirm-dialog.js";

const CATEGORIES = [["illness", N_("Illness")], ["misconduct", N_("Misconduct")], ["technical", N_("Technical problem")],
                    ["power", N_("Power cut")], ["other", N_("Other")]];
const DEFAULT_MINUTES = 30;

let made = 0;

/** The minutes the others have left (the latest deadline among the sitting's exams), at least 1. */
function remainingMinutes(sitting, nowMs) {
  const deadlines = sitting.candidates.flatMap((c) => c.exams.map((e) => Date.parse(e.deadline)))
    .filter((at) => !Number.isNaN(at) && at > nowMs);
  if (!deadlines.length) return DEFAULT_MINUTES;
  return Math.max(1, Math.min(600, Math.round((Math.max(...deadlines) - nowMs) / 60000)));
}

const who = (c) => `${c.name} (${c.registration_number})`;

/** An incident's category in the page's words. */
function categoryName(category) {
  const known = CATEGORIES.find(([value]) => value === category);
  return known ? t(known[1]) : category;
}

export class PeopleLists {
  constructor({ sittingId, clock, onStatus, onChanged }) {
    Object.assign(this, { sittingId, clock, onStatus, onChanged });
    this.base = `/staff/sittings/${encodeURIComponent(sittingId)}`;
    this.keys = {};
    this.refused = el("ul", { className: "sitting-items refused-list", attrs: { "aria-live": "polite" } });
    this.refusedTitle = el("h4", { text: t("Late and refused attempts"), attrs: { tabindex: "-1" } });
    this.refusedNone = el("p", { className: "quiet-note", text: t("No late or refused attempt.") });
    this.missing = el("ul", { className: "sitting-items missing-list" });
    this.missingNone = el("p", { className: "quiet-note", text: t("Nobody is missing.") });
    this.missingTitle = el("summary", { text: t("Not checked in") });
    this.incidents = el("ol", { className: "sitting-items incident-list" });
    this.incidentsNone = el("p", { className: "quiet-note", text: t("No incident recorded.") });
    this.form = this._incidentForm();
    this.element = el("div", { className: "sitting-people" },
      el("section", { className: "sitting-part refused", attrs: { "aria-label": t("Late and refused attempts") } },
        this.refusedTitle, this.refusedNone, this.refused),
      el("details", { className: "sitting-part missing" }, this.missingTitle, this.missingNone, this.missing),
      el("section", { className: "sitting-part incidents", attrs: { "aria-label": t("Incidents") } },
        el("h4", { text: t("Incidents") }), this.incidentsNone, this.incidents, this.form));
  }

  update(sitting) {
    this.sitting = sitting;
    const waiting = sitting.candidates.filter((c) => c.refused_at && !c.admitted_at);
    const admitted = sitting.candidates.filter((c) => c.admitted_at);
    this._draw("refused", [waiting, admitted, sitting.state], () => {
      this.refused.replaceChildren(...waiting.map((c) => this._refusedItem(c)),
        ...admitted.map((c) => el("li", { className: "admitted", attrs: { "data-registration-number": c.registration_number } },
          t("{who}: admitted at {time} with {minutes} min by {by}.", { who: who(c), time: formatTimeOfDay(c.admitted_at),
                                                                       minutes: c.admitted_minutes, by: c.admitted_by }))));
      this.refusedNone.hidden = waiting.length + admitted.length > 0;
    });
    const missing = sitting.candidates.filter((c) => c.attendance === "expected");
    this._draw("missing", [missing.map((c) => c.registration_number), sitting.state], () => {
      this.missingTitle.textContent = t("Not checked in ({count})", { count: missing.length });
      this.missing.replaceChildren(...missing.map((c) => this._missingItem(c)));
      this.missingNone.hidden = missing.length > 0;
    });
    this._draw("incidents", sitting.incidents, () => {
      this.incidents.replaceChildren(...sitting.incidents.map((i) => el("li", { attrs: { "data-category": i.category } },
        el("strong", { text: `${formatTimeOfDay(i.occurred_at)} · ${categoryName(i.category)}` }),
        ` · ${i.registration_number ? t("candidate {number}", { number: i.registration_number }) : t("the whole hall")} · ${t("by {name}:", { name: i.recorded_by })} `,
        el("span", { className: "incident-text", text: i.text }))));
      this.incidentsNone.hidden = sitting.incidents.length > 0;
    });
    this._draw("choices", sitting.candidates.map((c) => c.registration_number), () => {
      const chosen = this.candidateSelect.value;
      this.candidateSelect.replaceChildren(el("option", { text: t("The whole hall"), attrs: { value: "" } }),
        ...sitting.candidates.map((c) => el("option", { text: who(c), attrs: { value: c.registration_number } })));
      this.candidateSelect.value = chosen;
    });
  }

  _draw(name, shown, draw) {
    const key = JSON.stringify(shown);
    if (this.keys[name] === key) return;
    this.keys[name] = key;
    draw();
  }

  _refusedItem(c) {
    const said = el("span", { text: c.refusals > 1
      ? t("{who} tried to enter after late entry closed, at {time} ({count} attempts).",
          { who: who(c), time: formatTimeOfDay(c.refused_at), count: c.refusals })
      : t("{who} tried to enter after late entry closed, at {time}.", { who: who(c), time: formatTimeOfDay(c.refused_at) }) });
    if (this.sitting.state !== "started") {  // the sitting ended: nobody can be let in any more
      return el("li", { className: "refused-item", attrs: { "data-registration-number": c.registration_number } }, said);
    }
    const id = `admit-minutes-${this.sittingId}-${c.registration_number}`;
    const minutes = el("input", { attrs: { id, type: "number", min: "1", max: "600", step: "1", inputmode: "numeric",
                                          value: String(remainingMinutes(this.sitting, this.clock.now())) } });
    const admit = el("button", { className: "button primary small", text: t("Admit…"), attrs: { type: "button" } });
    admit.addEventListener("click", () => this._admit(c, minutes));
    return el("li", { className: "refused-item", attrs: { "data-registration-number": c.registration_number } },
      said,
      el("span", { className: "admit-field" }, el("label", { text: t("Minutes to give {name}", { name: c.name }), attrs: { for: id } }), minutes),
      admit);
  }

  _missingItem(c) {
    const absent = el("button", { className: "button small", text: t("Absent…"), attrs: { type: "button" } });
    absent.addEventListener("click", () => this._absent(c));
    return el("li", { attrs: { "data-registration-number": c.registration_number } },
      el("span", { text: who(c) }), absent);
  }

  async _admit(c, input) {
    const minutes = Number(input.value);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 600) {
      this.onStatus(t("Give between 1 and 600 whole minutes."), true);
      input.focus();
      return;
    }
    const { done } = await confirmAction({
      title: t("Admit {name}?", { name: c.name }),
      text: tn("{who} may open the paper now, with {count} minute.", "{who} may open the paper now, with {count} minutes.",
               minutes, { who: who(c) }),
      confirmLabel: t("Admit"),
      run: () => postJson(`${this.base}/candidates/${encodeURIComponent(c.registration_number)}/admit`, { minutes }),
    });
    if (!done) return;
    this.onStatus(tn("{who} admitted with {count} minute.", "{who} admitted with {count} minutes.", minutes, { who: who(c) }));
    this.refusedTitle.focus(); // their line is about to go: focus stays in the list's part
    this.onChanged();
  }

  async _absent(c) {
    const { done } = await confirmAction({
      title: t("Mark {name} absent?", { name: c.name }),
      text: t("{who} is recorded as absent in the register.", { who: who(c) }),
      confirmLabel: t("Mark absent"),
      run: () => postJson(`${this.base}/candidates/${encodeURIComponent(c.registration_number)}/absent`),
    });
    if (!done) return;
    this.onStatus(t("{who} marked absent.", { who: who(c) }));
    this.missingTitle.focus();
    this.onChanged();
  }

  _incidentForm() {
    made += 1;
    const ids = { category: `incident-category-${made}`, candidate: `incident-candidate-${made}`, said: `incident-text-${made}` };
    const category = el("select", { attrs: { id: ids.category } },
      ...CATEGORIES.map(([value, label]) => el("option", { text: t(label), attrs: { value } })));
    this.candidateSelect = el("select", { attrs: { id: ids.candidate } });
    const text = el("textarea", { attrs: { id: ids.said, rows: "2", maxlength: "2000", required: "" } });
    const error = el("p", { className: "notice bad", attrs: { role: "alert" } });
    error.hidden = true;
    const button = el("button", { className: "button", text: t("Record the incident"), attrs: { type: "submit" } });
    const form = el("form", { className: "incident-form" },
      el("div", { className: "field" }, el("label", { text: t("Category"), attrs: { for: ids.category } }), category),
      el("div", { className: "field" }, el("label", { text: t("Candidate"), attrs: { for: ids.candidate } }), this.candidateSelect),
      el("div", { className: "field grow" }, el("label", { text: t("What happened"), attrs: { for: ids.said } }), text),
      button, error);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!text.value.trim()) { text.focus(); return; }
      button.disabled = true;
      error.hidden = true;
      try {
        const body = { category: category.value, text: text.value.trim() };
        if (this.candidateSelect.value) body.registration_number = this.candidateSelect.value;
        await postJson(`${this.base}/incidents`, body);
        text.value = "";
        this.onStatus(t("Incident recorded in the hall's log."));
        this.onChanged();
      } catch (err) {
        error.textContent = errorText(err);
        error.hidden = false;
      } finally {
        button.disabled = false;
      }
    });
    return form;
  }
}
