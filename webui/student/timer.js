// The countdown on the page. The hall owns the clock: its `time_remaining` resets this countdown
// at every answer, and between answers the page counts down on its own monotonic clock.

const TICK_MS = 250;
export const WARNINGS = [600, 300]; // seconds left: 10 and 5 minutes

export class Countdown {
  /**
   * onTick(seconds) on every change of the whole second; onWarning(threshold) once per
   * threshold crossed while the page watches; onExpire() once at zero.
   */
  constructor({ onTick = () => {}, onWarning = () => {}, onExpire = () => {} } = {}) {
    this.hooks = { onTick, onWarning, onExpire };
    this.anchor = null; // {seconds, at}: seconds left at performance.now() == at
    this.paused = false; // the hall stopped this clock (a pause): it holds still
    this.shown = null;
    this.warned = new Set();
    this.expired = false;
    this.interval = null;
  }

  /** The hall (or the journal, offline) says `seconds` are left now, and whether it is paused. */
  sync(seconds, { paused = this.paused } = {}) {
    if (typeof seconds !== "number" || Number.isNaN(seconds)) return;
    const first = this.anchor === null;
    this.anchor = { seconds, at: performance.now() };
    this.paused = Boolean(paused);
    // Thresholds already behind us when the page opens are not announced as news.
    if (first) for (const threshold of WARNINGS) if (seconds <= threshold) this.warned.add(threshold);
    this.tick();
  }

  /** Seconds left now, or null before the first sync. */
  remaining() {
    if (!this.anchor) return null;
    if (this.paused) return Math.max(0, this.anchor.seconds);
    return Math.max(0, this.anchor.seconds - (performance.now() - this.anchor.at) / 1000);
  }

  /** Counts to zero again, and says so again there: the hall gave time after all. */
  rearm() {
    this.expired = false;
  }

  start() {
    if (this.interval === null) this.interval = setInterval(() => this.tick(), TICK_MS);
  }

  stop() {
    clearInterval(this.interval);
    this.interval = null;
  }

  tick() {
    const seconds = this.remaining();
    if (seconds === null) return;
    const whole = Math.ceil(seconds);
    if (whole !== this.shown) {
      this.shown = whole;
      this.hooks.onTick(seconds);
    }
    for (const threshold of WARNINGS) {
      if (seconds <= threshold && seconds > 0 && !this.warned.has(threshold)) {
        this.warned.add(threshold);
        this.hooks.onWarning(threshold);
      }
    }
    if (seconds <= 0 && !this.expired) {
      this.expired = true;
      this.hooks.onExpire();
    }
  }
}
