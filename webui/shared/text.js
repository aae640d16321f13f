// The words the shared layer shows people, in one table, looked up by key: `text(key, params)`.
//
// The words are English message ids, marked N_() for extraction; text() looks them up in the
// language in use (i18n.js). Nothing else in webui/shared/ writes a sentence of its own.

import { N_, currentLanguage, t } from "./i18n.js";

const ENGLISH = Object.freeze({
  "api.unreachable": N_("The hall cannot be reached."),
  "api.unreachable.advice": N_("The hall cannot be reached. Check this PC's network cable and try again."),
  "api.bad_answer": N_("The hall answered {status}."),
  "page.bug": N_("Something went wrong on this page: {error}"),
  "value.none": N_("—"),
  "span.seconds": N_("{seconds} s"),
  "span.minutes": N_("{minutes} min {seconds} s"),
  "span.hours": N_("{hours} h {minutes} min"),
  "status.assigned": N_("Not started"),
  "status.in_progress": N_("In progress"),
  "status.completed": N_("Completed"),
  // The errors the hall and the central send, by their code (hallserver/errors.py,
  // syncd/errors.py), as a candidate reads them; STAFF_ERRORS below words some for staff.
  "error.wrong_credentials": N_("That registration number and PIN do not match. Check your login slip and try again."),
  "error.slow_down": N_("Too many wrong logins. Wait {retry_after} seconds, then try again, or ask an invigilator."),
  "error.session_completed": N_("Your exam is already submitted; it cannot change."),
  "error.time_over": N_("Time is up for this exam. It was submitted with the answers saved before the deadline."),
  "error.bad_request": N_("The hall could not read this request. Reload the page and try again."),
  "error.not_logged_in": N_("You are not logged in any more. Log in again."),
  "error.forbidden": N_("This is not allowed here."),
  "error.late_entry_closed": N_("Late entry to this sitting has closed. Ask an invigilator."),
  "error.marked_absent": N_("You are marked absent for this sitting. Ask an invigilator."),
  "error.not_found": N_("The hall does not have what was asked for."),
  "error.conflict": N_("This cannot be done now: something changed meanwhile. The page shows the latest."),
  "error.lease_lost": N_("This exam continues on another PC; this PC's answer is kept for review."),
  "error.move_pending": N_("This exam is waiting for an invigilator to approve the move to this PC."),
  "error.revision_ahead": N_("The hall holds newer answers than this page; it is catching up."),
  "error.essay_out_of_step": N_("The hall's copy of this essay differs from this page's; the page sends it whole."),
  "error.sitting_not_started": N_("The sitting has not started yet. Wait for the invigilator."),
  "error.sitting_ended": N_("The sitting has ended."),
  "error.paper_sealed": N_("The paper is still sealed. Wait for the invigilator."),
  "error.wrong_release_code": N_("That is not this sitting's release code. Read it again and retype it."),
  "error.too_large": N_("What was sent is too large for the hall."),
  "error.unsupported_media_type": N_("The hall could not read this request. Reload the page and try again."),
  "error.invalid": N_("The hall refused the values sent. Check them and try again."),
  "error.internal_error": N_("Something went wrong in the hall. It is logged; try again."),
  "error.damaged_record": N_("A record in the hall's storage is damaged. Tell the hall admin."),
  "error.storage_unavailable": N_("The hall's storage is busy for a moment. Try again shortly."),
});

// The same codes as a member of staff reads them, where their words differ from a candidate's.
const STAFF_ERRORS = Object.freeze({
  wrong_credentials: N_("That name and password do not match."),
  slow_down: N_("Too many attempts. Wait {retry_after} seconds, then try again."),
  session_completed: N_("This candidate's exam is already submitted; it cannot change."),
  time_over: N_("This candidate's time is over; the exam was submitted."),
  forbidden: N_("Your role may not do this."),
  late_entry_closed: N_("Late entry to this sitting has closed: admit the candidate from the sitting's panel."),
  marked_absent: N_("This candidate is marked absent: admit them from the sitting's panel."),
  sitting_not_started: N_("The sitting has not started yet."),
  paper_sealed: N_("The paper is sealed: type the sitting's release code first, or wait for the central to release it."),
  move_pending: N_("This candidate's move to another PC is waiting for approval."),
  lease_lost: N_("This candidate's exam continues on another PC."),
});

let audience = "candidate";

/** Says the hall's errors to staff from now on (the staff pages and the central's page). */
export function speakToStaff() {
  audience = "staff";
}

/**
 * The hall's error in the page's language: the catalog's words for its `code`, filled with its
 * details ({retry_after}). In English the hall's own sentence is shown: it is the most precise.
 *
 * Why the page and not the server: the catalogs (webui/locales/*.po) stay the one source of
 * every word a person reads, and the page already knows its language, a choice made on that PC
 * (a candidate's, or a member of staff's) that the browser's Accept-Language does not carry. A
 * server translating by Accept-Language would need the same sentences a second time in Python
 * catalogs and would follow the browser's setting rather than the page's. The hall's English
 * sentences remain for its logs, the CLI and scripts.
 */
export function hallErrorText(err) {
  if (currentLanguage() === "en") return err.message;
  const words = (audience === "staff" && STAFF_ERRORS[err.code]) || ENGLISH[`error.${err.code}`];
  return words ? t(words, err.details || {}) : err.message;
}

/** The words for `key`, with each {name} filled from `params`; the key itself when unknown. */
export function text(key, params = {}) {
  return t(ENGLISH[key] ?? key, params);
}

