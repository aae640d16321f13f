// When the exam is not (or no longer) this PC's to write: it moved to another PC, it waits for
// an invigilator to approve moving it here, or another tab of this browser took it over. Each
// locks the page and says why; nothing typed here is lost.

import { closeAllModals, openModal } from "../shared/dialog.js";
import { $ } from "../shared/dom.js";
import { SaveState } from "./session-manager.js";
import { showMessage } from "./message-view.js";
import { t } from "../shared/i18n.js";

const WAITING_POLL_MS = 3000;

export class LeaseMoves {
  /** page: the ExamPage (its manager, journal, clock, status and lock). */
  constructor(page) {
    this.page = page;
    this.hasMoved = false;
    this.waitingPoll = null;
  }

  /** The hall's clock says where the exam is: here at last, elsewhere, or on its way here. */
  follow(clock) {
    if (this.waitingPoll && clock.lease_held) location.reload(); // the move here was approved
    else if (clock.move_pending) this.waitForMove();
    else if (clock.lease_held === false) this.moved();
  }

  /** The exam is held by another PC now. */
  async moved() {
    if (this.hasMoved) return;
    this.hasMoved = true;
    const { manager, journal, status } = this.page;
    // What this PC had not sent reaches the hall once, to be kept there for review...
    await manager.sendForReview();
    // ...and stays here too, never replayed: a later login on this PC must not lay it over
    // newer answers.
    await journal.freeze();
    this.page.lock();
    status.show({ state: SaveState.MOVED, unsent: journal.unsentCount() });
    closeAllModals("moved");
    await openModal($("moved-dialog"), { dismissable: false });
  }

  /**
   * This PC waits for an invigilator to approve the move of the exam here: say so, and ask the
   * hall's clock until the lease is here (then open the exam afresh) or has gone elsewhere.
   */
  async waitForMove() {
    if (this.waitingPoll) return;
    const { manager, journal, status, clock } = this.page;
    manager.stop();
    this.page.lock();
    status.show({ state: SaveState.WAITING, unsent: journal.unsentCount() });
    closeAllModals("waiting");
    openModal($("waiting-dialog"), { dismissable: false, initialFocus: $("waiting-title") });
    this.waitingPoll = setInterval(async () => {
      let answer;
      try {
        answer = await clock.ask();
      } catch {
        return; // ask again at the next tick
      }
      if (answer.lease_held) location.reload();
      else if (!answer.move_pending) {
        clearInterval(this.waitingPoll);
        this.moved();
      }
    }, WAITING_POLL_MS);
  }

  /** The same exam was opened in another tab of this browser: that one carries on. */
  takenOver() {
    this.page.channel.stop(); // the other tab hears the hall now
    this.page.manager.stop();
    this.page.lock();
    closeAllModals("tab");
    showMessage({
      title: t("Your exam is open in another tab"),
      paragraphs: [t("This exam was opened again in another tab or window of this browser. Carry on there; this tab no longer saves anything.")],
    });
  }
}
