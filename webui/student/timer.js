// The countdown on the page. The hall owns the clock: its `time_remaining` resets this countdown
// at every answer, and between answers the page counts down on its own monotonic clock.

const TICK_MS = 250;
export const WARNINGS = [600, 300]; // seconds left: 10 and 5 minutes

/** "41:20", or "1:05:03" past an hour. */
export function formatClock(seconds) {
  const whole = Math.max(0, Math.ceil(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

/** "41 minutes", "1 minute", "30 seconds": for announcements and dialogs. */
export function describeTime(seconds) {
  const whole = Math.max(0, Math.ceil(seconds));
  if (whole >= 120) return `${Math.floor(whole / 60)} minutes`;
  if (whole >= 60) return "1 minute";
  return whole === 1 ? "1 second" : `${whole} seconds`;
}

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
