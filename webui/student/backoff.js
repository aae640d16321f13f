// How long to wait before trying the hall again: exponential, capped, with jitter.
//
// When the hall's server comes back after an outage, every PC in the hall has been retrying.
// Doubling the wait keeps a dead server quiet; the random half of each wait spreads a thousand
// PCs over the window instead of letting them all arrive in the same second.

export class Backoff {
  constructor({ baseMs = 500, capMs = 30000, random = Math.random } = {}) {
    this.baseMs = baseMs;
    this.capMs = capMs;
    this.random = random;
    this.failures = 0;
  }

  /** The wait before the next try, in milliseconds; each call counts one more failure. */
  next() {
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** this.failures);
    this.failures += 1;
    // "Equal jitter": half the wait is fixed (no instant retry storm), half is random.
    return ceiling / 2 + this.random() * (ceiling / 2);
  }

  /**
   * The hall refused on purpose (not a failure that passes by itself): every wait from now on
   * is the longest, until reset.
   */
  waitLongest() {
    this.failures = Math.max(this.failures, Math.ceil(Math.log2(this.capMs / this.baseMs)));
  }

  /** The hall answered: the next failure starts from the shortest wait again. */
  reset() {
    this.failures = 0;
  }
}
