// The Save progress button (and its key, S): saves now, whatever the back-off says, and the
// button itself says how it went for a few seconds before offering itself again.

import { $ } from "../shared/dom.js";
import { formatTimeOfDay } from "../shared/format.js";
import { N_, t, tn } from "../shared/i18n.js";

const SAVE_LABEL_MS = 4000; // how long the button shows its outcome
const LABEL = N_("Save progress");

export class SaveButton {
  /** manager: the SessionManager; journal; status: the StatusView; isLocked(); flush(): pending text. */
  constructor({ manager, journal, status, isLocked, flush }) {
    Object.assign(this, { manager, journal, status, isLocked, flush });
    this.button = $("save-now");
    this.saving = false;
    this.labelTimer = null;
    this.button.addEventListener("click", () => this.save());
  }

  async save() {
    if (this.isLocked() || this.saving) return;
    // Not disabled while busy: a disabled button would drop the keyboard focus on the floor.
    this.saving = true;
    this.button.setAttribute("aria-disabled", "true");
    this.button.textContent = t("Saving…");
    this.flush();
    const saved = await this.manager.saveNow();
    this.saving = false;
    this.button.removeAttribute("aria-disabled");
    const at = formatTimeOfDay(this.manager.lastSaved);
    this.button.textContent = saved ? t("Saved at {time}", { time: at }) : t("Kept on this PC");
    this.status.say(saved ? t("All answers saved at {time}.", { time: at })
      : tn("Not sent yet. Your answers are kept on this PC ({count} not yet sent).",
           "Not sent yet. Your answers are kept on this PC ({count} not yet sent).", this.journal.unsentCount()));
    clearTimeout(this.labelTimer);
    this.labelTimer = setTimeout(() => { this.button.textContent = t(LABEL); }, SAVE_LABEL_MS);
  }

  show() {
    this.button.hidden = false;
  }

  hide() {
    this.button.hidden = true;
  }

  /** Enabled or not with the page's lock. */
  setEnabled(enabled) {
    this.button.disabled = !enabled;
  }
}
