// The whole hall's clock: pausing it is for a power cut or an evacuation, so the control is big,
// says what state the hall is in, and asks before it acts. While the hall is paused the panel
// says for how long; resuming moves every deadline later by that much (the hall does the sums).

import { postJson } from "../shared/api.js";
import { $, setText } from "../shared/dom.js";
import { formatSpan, formatTimeOfDay } from "../shared/format.js";
import { t, tn } from "../shared/i18n.js";
import { confirmAction } from "./confirm-dialog.js";

export class HallControl {
  /** onStatus(text): where the outcome is said. */
  constructor({ model, clock, onStatus }) {
    Object.assign(this, { model, clock, onStatus });
    this.panel = $("hall-control");
    this.button = $("hall-toggle");
    this.button.addEventListener("click", () => this.toggle());
  }

  /** The hall's state changed (or was first learnt). */
  render() {
    const { paused } = this.model.hall;
    this.panel.dataset.paused = String(Boolean(paused));
    $("hall-state-title").textContent = paused ? t("Hall paused") : t("Hall running");
    this.button.textContent = paused ? t("Resume the hall…") : t("Pause the whole hall…");
    this.button.classList.toggle("danger", !paused);
    this.button.classList.toggle("primary", Boolean(paused));
    this.button.disabled = false;
    this.tick();
  }

  /** Once a second while paused: how long it has been. */
  tick() {
    const { paused, paused_since: since } = this.model.hall;
    const text = paused
      ? t("Paused since {time} ({span}). Every clock is stopped; answers are still saved.",
          { time: formatTimeOfDay(since), span: this._pausedFor() })
      : t("Every candidate's clock is running.");
    setText($("hall-state-text"), text);
  }

  _pausedFor() {
    const since = Date.parse(this.model.hall.paused_since);
    return Number.isNaN(since) ? t("just now") : formatSpan((this.clock.now() - since) / 1000);
  }

  async toggle() {
    if (this.model.hall.paused) await this._resume();
    else await this._pause();
  }

  async _pause() {
    const { done, result } = await confirmAction({
      title: t("Pause the whole hall?"),
      text: t("Every candidate's clock stops now: use this for a power cut or an evacuation. Answers are still saved. When you resume, every deadline moves later by the length of the pause."),
      confirmLabel: t("Pause the hall"),
      danger: true,
      run: () => postJson("/staff/hall/pause"),
    });
    if (!done) return;
    this.model.updateHall({ paused: true, paused_since: result.since });
    this.onStatus(tn("Hall paused at {time}: {count} clock stopped.", "Hall paused at {time}: {count} clocks stopped.",
                     result.sessions, { time: formatTimeOfDay(result.since) }));
  }

  async _resume() {
    const { done, result } = await confirmAction({
      title: t("Resume the hall?"),
      text: t("Every clock the hall's pause stopped starts again; each deadline moves later by the pause ({span} so far).",
              { span: this._pausedFor() }),
      confirmLabel: t("Resume the hall"),
      run: () => postJson("/staff/hall/resume"),
    });
    if (!done) return;
    this.model.updateHall({ paused: false, paused_since: null });
    this.onStatus(tn("Hall resumed after {span}: {count} deadline moved later.",
                     "Hall resumed after {span}: {count} deadlines moved later.", result.sessions,
                     { span: formatSpan(result.paused_seconds) }));
  }
}
