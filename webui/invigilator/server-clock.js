// The hall's clock as this PC can know it. The hall owns every deadline; this PC's clock may be
// minutes off, so the console counts against the hall's time: the offset is learnt from the
// `server_time` of each snapshot and kept until the next one.

export class ServerClock {
  constructor() {
    this.offsetMs = 0;
  }

  /** The hall said it is `iso` now. */
  sync(iso) {
    const at = Date.parse(iso);
    if (!Number.isNaN(at)) this.offsetMs = at - Date.now();
  }

  /** The hall's time now, in epoch milliseconds. */
  now() {
    return Date.now() + this.offsetMs;
  }
}
