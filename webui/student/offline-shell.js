// Registers the service worker that keeps the pages on this PC, so a reload while the hall is
// down still opens the exam (the paper and the answers come from the journal in IndexedDB).
// Service workers need a secure context: the hall's HTTPS, or localhost.

/** Registers /ui/sw.js; marks <html data-offline-ready> once a worker controls this page. */
export function keepPagesOffline(notice = null) {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  const ready = () => {
    if (!navigator.serviceWorker.controller) return;
    document.documentElement.dataset.offlineReady = "yes";
    if (notice) notice.hidden = false;
  };
  navigator.serviceWorker.addEventListener("controllerchange", ready);
  navigator.serviceWorker.register("/ui/sw.js", { scope: "/ui/" }).then(ready).catch(() => {
    // Without the worker the exam still works; only a reload while the hall is down fails.
  });
  // A page that was still loading when the worker activated is not among the pages its
  // activation takes over (the login page moved on to the exam while the worker was being
  // installed): once a worker is active, such a page asks to be taken.
  navigator.serviceWorker.ready.then((registration) => {
    if (!navigator.serviceWorker.controller) registration.active?.postMessage("claim");
  });
  ready();
}

const ASSETS_CACHE = "examhall-exam-assets";

/** Fetches the exam's images once, so the service worker keeps them for offline use. */
export function keepImages(sources) {
  if (!navigator.serviceWorker?.controller) return;
  for (const source of sources) {
    fetch(source, { credentials: "same-origin" }).catch(() => { /* shown later if it can be */ });
  }
}

/** Forgets the exam's images (after submission: the next candidate finds nothing of this one). */
export async function forgetImages() {
  if (typeof caches !== "undefined") await caches.delete(ASSETS_CACHE).catch(() => false);
}
