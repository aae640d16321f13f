// Modal dialogs on the native <dialog>: the page behind becomes inert, Tab stays inside (it
// wraps from the last control to the first), and focus goes back where it was on close.
//
// Every close goes through one `finish` per opening, run at once: the browser's own "close"
// event comes a task later, and a candidate who closes and reopens a dialog quickly must not
// have the old event end the new opening.

const FOCUSABLE = "button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), " +
  "textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

const openings = new WeakMap(); // dialog -> finish(value) of its current opening

function focusables(dialog) {
  return [...dialog.querySelectorAll(FOCUSABLE)].filter((element) => !element.closest("[hidden]"));
}

// Chromium lets Tab leave a modal dialog for the browser's own controls; on a lab PC that is a
// lost candidate, so Tab and Shift+Tab wrap around inside the dialog instead.
function trapTab(dialog, event) {
  if (event.key !== "Tab") return;
  const items = focusables(dialog);
  if (items.length === 0) return;
  const first = items[0];
  const last = items[items.length - 1];
  if (event.shiftKey && document.activeElement === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && document.activeElement === last) {
    event.preventDefault();
    first.focus();
  }
}

/**
 * Opens `dialog` modally. Resolves with the value of the button that closed it (its
 * data-close), or "cancel" for Escape. A dialog opened with `dismissable: false` stays open
 * until the page closes it with closeModal.
 */
export function openModal(dialog, { initialFocus = null, dismissable = true } = {}) {
  openings.get(dialog)?.("cancel");
  const opener = document.activeElement;
  return new Promise((resolve) => {
    const onKey = (event) => trapTab(dialog, event);
    const onCancel = (event) => {
      const heldByPage = event.defaultPrevented; // an earlier listener keeps it open (busy)
      event.preventDefault();
      if (dismissable && !heldByPage) finish("cancel");
    };
    // Buttons say what they answer with data-close="value" (no <form method=dialog>: the CSP's
    // form-action rule and a nervous double-click both argue for plain buttons).
    const onClick = (event) => {
      const closer = event.target.closest("[data-close]");
      if (closer && dialog.contains(closer)) finish(closer.dataset.close);
    };
    // Closed by the browser itself (Escape pressed twice overrides a refused cancel). A close
    // event while the dialog is open again belongs to an earlier opening: not ours.
    const onClose = () => {
      if (dialog.open) return;
      if (dismissable) finish(dialog.returnValue || "cancel");
      else dialog.showModal();
    };
    const finish = (value) => {
      if (openings.get(dialog) !== finish) return;
      openings.delete(dialog);
      dialog.removeEventListener("keydown", onKey);
      dialog.removeEventListener("cancel", onCancel);
      dialog.removeEventListener("click", onClick);
      dialog.removeEventListener("close", onClose);
      if (dialog.open) dialog.close(value);
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(value || "cancel");
    };
    openings.set(dialog, finish);
    dialog.addEventListener("keydown", onKey);
    dialog.addEventListener("cancel", onCancel);
    dialog.addEventListener("click", onClick);
    dialog.addEventListener("close", onClose);
    if (!dialog.open) dialog.showModal();
    (initialFocus || focusables(dialog)[0])?.focus();
  });
}

/** Closes `dialog` (if open) with `value` as its answer. */
export function closeModal(dialog, value = "") {
  const finish = openings.get(dialog);
  if (finish) finish(value);
  else if (dialog.open) dialog.close(value);
}

/** Closes every open dialog of the page (the page is about to show something that matters more). */
export function closeAllModals(value = "") {
  for (const dialog of document.querySelectorAll("dialog[open]")) closeModal(dialog, value);
}
