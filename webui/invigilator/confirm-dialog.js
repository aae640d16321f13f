// Every action on a candidate or the hall is confirmed first, in one dialog that says exactly
// what will happen. The request runs while the dialog is still open, so a refusal from the hall
// (the candidate submitted meanwhile, say) is shown where the invigilator is looking, and the
// dialog cannot be dismissed half-way through a request.

import { errorText } from "../shared/api.js";
import { closeModal, openModal } from "../shared/dialog.js";
import { $ } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

/**
 * Asks to confirm; on confirmation runs `run()` and resolves with {done: true, result}. Resolves
 * {done: false} when cancelled. `danger` puts the initial focus on Cancel: Enter alone must never
 * pause a hall or submit an exam.
 */
export async function confirmAction({ title, text, confirmLabel, danger = false, run }) {
  const dialog = $("confirm-dialog");
  const go = $("confirm-go");
  const cancel = $("confirm-cancel");
  const error = $("confirm-error");
  $("confirm-title").textContent = title;
  $("confirm-text").textContent = text;
  go.textContent = confirmLabel;
  go.classList.toggle("danger", danger);
  go.classList.toggle("primary", !danger);
  error.hidden = true;
  let busy = false;
  let outcome = { done: false };
  const setBusy = (value) => {
    busy = value;
    go.disabled = value;
    cancel.disabled = value;
    go.textContent = value ? t("Working…") : confirmLabel;
  };
  const onGo = async () => {
    setBusy(true);
    error.hidden = true;
    try {
      outcome = { done: true, result: await run() };
      setBusy(false);
      closeModal(dialog, "done");
    } catch (err) {
      setBusy(false);
      error.textContent = errorText(err);
      error.hidden = false;
      cancel.focus();
    }
  };
  const holdWhileBusy = (event) => { if (busy) event.preventDefault(); };
  go.addEventListener("click", onGo);
  dialog.addEventListener("cancel", holdWhileBusy);
  await openModal(dialog, { initialFocus: danger ? cancel : go });
  go.removeEventListener("click", onGo);
  dialog.removeEventListener("cancel", holdWhileBusy);
  return outcome;
}
