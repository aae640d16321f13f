// The hall's settings the pages need (GET /student/settings), remembered for offline reloads.

import { getJson } from "../shared/api.js";
import { lastSettings, rememberSettings } from "./journal.js";

const DEFAULTS = { hall_name: "Exam hall", autosave_seconds: 30 };

/** The hall's settings: fresh from the hall, else as last seen, else the defaults. */
export async function hallSettings() {
  try {
    const fresh = await getJson("/student/settings", { timeoutMs: 5000 });
    await rememberSettings(fresh).catch(() => {});
    return { ...DEFAULTS, ...fresh };
  } catch {
    const remembered = await lastSettings().catch(() => undefined);
    return { ...DEFAULTS, ...(remembered || {}) };
  }
}
