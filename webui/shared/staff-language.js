// The staff pages' language: the one a member of staff chose on this PC (the picker in the bar),
// else the one the hall is set to for its staff ([hall] staff_language; the central's page: its
// [central] language). Kept apart from a candidate's choice, which is forgotten after every
// submission on a candidate's PC.

import { getJson } from "./api.js";
import { chosenLanguage, rememberLanguage, useLanguage } from "./i18n.js";
import { installLanguagePicker } from "./language-picker.js";
import { speakToStaff } from "./text.js";

const STAFF_CHOICE_KEY = "examhall-staff-language";
const SETTINGS_TIMEOUT_MS = 4000;   // the page must not wait long for its words: English will do

/**
 * Reads the server's public settings (`url`; `field` names its staff language), puts the page in
 * the language chosen on this PC or else that one, and resolves with the settings ({} when the
 * server did not answer).
 */
export async function startStaffLanguage({ url = "/student/settings", field = "staff_language" } = {}) {
  speakToStaff();
  let settings = {};
  try {
    settings = await getJson(url, { timeoutMs: SETTINGS_TIMEOUT_MS });
  } catch {
    // Unreachable: the page still starts, in the language chosen here or in English.
  }
  await useLanguage(chosenLanguage(STAFF_CHOICE_KEY) || settings[field] || "en");
  return settings;
}

/** The picker in every [data-language-picker]: the choice is kept on this PC and the page
 *  reloads in it (its live figures are drawn again in the new language). */
export function installStaffLanguagePicker() {
  return installLanguagePicker(() => location.reload(),
                               { remember: (tag) => rememberLanguage(tag, STAFF_CHOICE_KEY) });
}
