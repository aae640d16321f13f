// The save status, said plainly: "Saved at 10:42:05", "Saving…", or "Offline — your answers are
// kept on this PC (12 not yet sent)". The visible line changes often; the live region speaks only
// when the situation changes (saved → offline → saved again), so a screen reader is not chattering
// "Saving… Saved" every thirty seconds.

import { announce } from "../shared/dom.js";
import { formatTimeOfDay } from "../shared/format.js";
import { SaveState } from "./session-manager.js";

function kept(unsent) {
  return `your answers are kept on this PC (${unsent} not yet sent)`;
}

/** The sentence for a status of the session manager. */
export function statusText({ state, lastSaved, unsent, storageTrouble = false }) {
  const waiting = [SaveState.SAVING, SaveState.OFFLINE, SaveState.LOGIN, SaveState.REFUSED];
  if (storageTrouble && waiting.includes(state)) {
    return `This PC cannot keep your answers — do not close this page (${unsent} not yet sent)`;
  }
  switch (state) {
    case SaveState.SAVED:
      return lastSaved ? `Saved at ${formatTimeOfDay(lastSaved)}` : "Saved";
    case SaveState.SAVING:
      return "Saving…";
    case SaveState.OFFLINE:
      return `Offline — ${kept(unsent)}`;
    case SaveState.LOGIN:
      return `Log in again to keep saving — ${kept(unsent)}`;
    case SaveState.REFUSED:
      return `The hall did not accept a save — ${kept(unsent)}`;
    case SaveState.MOVED:
      return "This exam moved to another computer — nothing more is saved here";
    case SaveState.WAITING:
      return "Waiting for an invigilator to approve moving your exam to this PC";
    case SaveState.ENDED:
      return "Submitted";
    default:
      return "";
  }
}

const SPOKEN = {
  [SaveState.OFFLINE]: "The hall cannot be reached. Your answers are kept on this PC.",
  [SaveState.LOGIN]: "Your login has ended. Your answers are kept on this PC.",
  [SaveState.REFUSED]: "The hall did not accept a save. Your answers are kept on this PC.",
  [SaveState.MOVED]: "This exam moved to another computer. Nothing more is saved here.",
  [SaveState.WAITING]: "Waiting for an invigilator to approve moving your exam to this PC.",
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
      this.say(`Connected again. ${statusText(status)}.`);
    } else if (SPOKEN[status.state] && status.state !== this.spokenState) {
      this.say(SPOKEN[status.state]);
    }
    if (status.state !== SaveState.SAVING) this.spokenState = status.state;
  }

  /** Speaks `text` politely (or at once with `urgent`). */
  say(text, { urgent = false } = {}) {
    announce(urgent ? this.alert : this.live, text);
  }
}
