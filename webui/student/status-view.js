// The save status, said plainly: "Saved at 10:42:05", "Saving…", or "Offline — your answers are
// kept on this PC (12 not yet sent)". The visible line changes often; the live region speaks only
// when the situation changes (saved → offline → saved again), so a screen reader is not chattering
// "Saving… Saved" every thirty seconds.

import { announce } from "../shared/dom.js";
import { formatTimeOfDay } from "../shared/format.js";
import { SaveState } from "./session-manager.js";
import { N_, t, tn } from "../shared/i18n.js";

function kept(unsent) {
  return tn("your answers are kept on this PC ({count} not yet sent)", "your answers are kept on this PC ({count} not yet sent)", unsent);
}

/** The sentence for a status of the session manager. */
export function statusText({ state, lastSaved, unsent, storageTrouble = false }) {
  const waiting = [SaveState.SAVING, SaveState.OFFLINE, SaveState.LOGIN, SaveState.REFUSED];
  if (storageTrouble && waiting.includes(state)) {
    return tn("This PC cannot keep your answers — do not close this page ({count} not yet sent)",
              "This PC cannot keep your answers — do not close this page ({count} not yet sent)", unsent);
  }
  switch (state) {
    case SaveState.SAVED:
      return lastSaved ? t("Saved at {time}", { time: formatTimeOfDay(lastSaved) }) : t("Saved");
    case SaveState.SAVING:
      return t("Saving…");
    case SaveState.OFFLINE:
      return t("Offline — {kept}", { kept: kept(unsent) });
    case SaveState.LOGIN:
      return t("Log in again to keep saving — {kept}", { kept: kept(unsent) });
    case SaveState.REFUSED:
      return t("The hall did not accept a save — {kept}", { kept: kept(unsent) });
    case SaveState.MOVED:
      return t("This exam moved to another computer — nothing more is saved here");
    case SaveState.WAITING:
      return t("Waiting for an invigilator to approve moving your exam to this PC");
    case SaveState.ENDED:
      return t("Submitted");
    default:
      return "";
  }
}

const SPOKEN = {
  [SaveState.OFFLINE]: N_("The hall cannot be reached. Your answers are kept on this PC."),
  [SaveState.LOGIN]: N_("Your login has ended. Your answers are kept on this PC."),
  [SaveState.REFUSED]: N_("The hall did not accept a save. Your answers are kept on this PC."),
  [SaveState.MOVED]: N_("This exam moved to another computer. Nothing more is saved here."),
  [SaveState.WAITING]: N_("Waiting for an invigilator to approve moving your exam to this PC."),
};

export class StatusView {
  /** indicator: the visible status line; live: a polite live region; alert: an assertive one. */
  constructor({ indicator, live, alert }) {
    this.indicator = indicator;
    this.live = live;
    this.alert = alert;
    this.spokenState = null;
  }

  show(status) {
    this.indicator.textContent = statusText(status);
    this.indicator.dataset.state = status.state;
    const troubled = this.spokenState !== null && this.spokenState !== SaveState.SAVED &&
      this.spokenState !== SaveState.SAVING;
    if (status.state === SaveState.SAVED && troubled) {
      this.say(t("Connected again. {status}.", { status: statusText(status) }));
    } else if (SPOKEN[status.state] && status.state !== this.spokenState) {
      this.say(t(SPOKEN[status.state]));
    }
    if (status.state !== SaveState.SAVING) this.spokenState = status.state;
  }

  /** Speaks `text` politely (or at once with `urgent`). */
  say(text, { urgent = false } = {}) {
    announce(urgent ? this.alert : this.live, text);
  }
}
