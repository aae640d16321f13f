// The exam's clock on the page: the countdown, a pause, the warnings at 10 and 5 minutes, and the
// banner at the end. The hall owns the clock: every save's answer brings its word, and when saves
// have not brought it lately the page asks (GET .../session/clock, a cheap read), so an extension
// or a pause shows within seconds, a move to another PC too. While paused it asks more often, so
// the page restarts with the hall.

import { getJson } from "../shared/api.js";
import { $ } from "../shared/dom.js";
import { describeTime, formatClock } from "../shared/format.js";
import { Countdown } from "./timer.js";
import { t } from "../shared/i18n.js";

const CLOCK_POLL_MS = 3000;   // while paused
const CLOCK_QUIET_MS = 10000; // otherwise, the hall's clock is asked when saves bring nothing

export class ExamClock {
  /**
   * path: the session's clock endpoint; status: the StatusView; onExpire(): the countdown
   * reached zero; onHallClock(clock): each answer the hall gave when asked here.
   */
  constructor({ path, status, onExpire, onHallClock }) {
    this.path = path;
    this.status = status;
    this.onHallClock = onHallClock;
    this.countdown = new Countdown({
      onTick: (seconds) => this._showTime(seconds),
      onWarning: (threshold) => this._warn(threshold),
      onExpire,
    });
    this.lastWordAt = null; // performance.now() of the hall's last word on the clock
    this.watching = null;
  }

  /** Shows the clock from what the journal last heard of the hall (the page may be offline). */
  start(remaining, paused) {
    $("clock").hidden = false;
    this.countdown.sync(remaining, { paused });
    this.countdown.start();
    this._showPause(paused);
  }

  /** Seconds left now, or null before the hall or the journal said. */
  remaining() {
    return this.countdown.remaining();
  }

  /** The hall's clock, from any of its answers: time left, and whether it is paused. */
  sync({ time_remaining: seconds, paused = false }) {
    this.lastWordAt = performance.now();
    this.countdown.sync(seconds, { paused });
    this._showPause(paused);
  }

  /** The hall's clock {status, time_remaining, paused, lease_held, move_pending}; throws offline. */
  ask() {
    return getJson(this.path);
  }

  /** Asks the hall whenever its word is getting old (or often, while paused). */
  watch() {
    if (this.watching !== null) return;
    this.watching = setInterval(() => {
      const quiet = performance.now() - (this.lastWordAt ?? 0);
      if (this.countdown.paused || quiet >= CLOCK_QUIET_MS) this._askNow();
    }, CLOCK_POLL_MS);
  }

  unwatch() {
    clearInterval(this.watching);
    this.watching = null;
  }

  async _askNow() {
    let clock;
    try {
      clock = await this.ask();
    } catch {
      return; // the save path says when the hall does not answer; the clock keeps its last word
    }
    if (this.watching === null) return; // the page stopped meanwhile
    this.sync(clock);
    this.onHallClock(clock);
  }

  /** The hall gives time after all: the countdown runs, warns and expires again. */
  goOn(clock) {
    this.countdown.rearm();
    this.sync(clock);
    $("time-warning").hidden = true;
    this.watch();
  }

  /** The exam is over: the clock stops and leaves the page. */
  stop() {
    this.countdown.stop();
    this.unwatch();
    $("clock").hidden = true;
    $("time-warning").hidden = true;
  }

  /** The banner under the header, urgent: the end of the exam. */
  warnEnd(text) {
    const warning = $("time-warning");
    warning.textContent = text;
    warning.classList.add("urgent");
    warning.hidden = false;
  }

  _showTime(seconds) {
    $("clock-value").textContent = formatClock(seconds);
    $("clock").classList.toggle("low", seconds <= 600);
    $("clock").classList.toggle("very-low", seconds <= 300);
  }

  _warn(threshold) {
    const text = t("{time} left. Check your answers and the ones marked for review.", { time: describeTime(threshold) });
    const warning = $("time-warning");
    warning.textContent = text;
    warning.hidden = false;
    warning.classList.toggle("urgent", threshold <= 300);
    this.status.say(text, { urgent: true });
  }

  _showPause(paused) {
    const was = !$("pause-banner").hidden;
    $("pause-banner").hidden = !paused;
    $("clock").classList.toggle("paused", paused);
    $("clock-label").textContent = paused ? t("Paused") : t("Time left");
    if (paused && !was) this.status.say(t("The exam clock is paused."));
    if (!paused && was) {
      this.status.say(t("The exam clock runs again. {time} left.", { time: describeTime(this.remaining()) }));
    }
  }
}
