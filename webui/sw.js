// The service worker of the hall's pages (scope /ui/): keeps the pages on this PC so that a
// reload while the hall's server is down, or while the LAN is out, still opens the exam.
//
// Pages and their files are fetched network-first, so every reload gets the hall's current
// files, and the copy kept here answers only when the network does not (or takes too long: a
// LAN dropping packets should not leave a candidate staring at a blank page). The hall's API
// (/student/...) is never touched here, the notices' long poll least of all (a copy of it would
// replay old news): the page itself handles a hall that does not answer,
// and the paper and answers live in the page's journal (IndexedDB), not in this cache. The
// exam's images are kept too, in a cache of their own that the page clears after submission.

// A new name whenever SHELL changes: activation then drops the old copy, files gone with it.
const CACHE = "examhall-pages-v5";
// The images of the candidate's exam (/exam-assets/...): the exam page fetches them all when it
// opens, so they show offline too, and deletes this cache once the exam is handed in.
const ASSETS = "examhall-exam-assets";
const NETWORK_WAIT_MS = 4000;
const SHELL = [
  "/ui/student/index.html",
  "/ui/student/exam.html",
  "/ui/student/login.css",
  "/ui/student/exam.css",
  "/ui/student/backoff.js",
  "/ui/student/exam-boot.js",
  "/ui/student/exam-clock.js",
  "/ui/student/exam-navigation.js",
  "/ui/student/exam-notices.js",
  "/ui/student/exam-page.js",
  "/ui/student/exam-paths.js",
  "/ui/student/essay-edits.js",
  "/ui/student/kinds/essay.js",
  "/ui/student/idb.js",
  "/ui/student/journal.js",
  "/ui/student/keyboard.js",
  "/ui/student/lease-moves.js",
  "/ui/student/login.js",
  "/ui/student/message-view.js",
  "/ui/student/nav-grid.js",
  "/ui/student/notices.js",
  "/ui/student/offline-shell.js",
  "/ui/student/question-view.js",
  "/ui/student/rich-text.js",
  "/ui/student/resume-dialog.js",
  "/ui/student/save-button.js",
  "/ui/student/session-manager.js",
  "/ui/student/settings.js",
  "/ui/student/state.js",
  "/ui/student/status-view.js",
  "/ui/student/submit-dialog.js",
  "/ui/student/submit-flow.js",
  "/ui/student/timer.js",
  "/ui/student/waiting-room.js",
  "/ui/student/kinds/associate.js",
  "/ui/student/kinds/gap-match.js",
  "/ui/student/kinds/hotspot.js",
  "/ui/student/kinds/hottext.js",
  "/ui/student/kinds/in-text.js",
  "/ui/student/kinds/index.js",
  "/ui/student/kinds/inline.js",
  "/ui/student/kinds/kinds.css",
  "/ui/student/kinds/match.js",
  "/ui/student/kinds/order.js",
  "/ui/student/kinds/point.js",
  "/ui/student/tools/calculator-engine.js",
  "/ui/student/tools/calculator.js",
  "/ui/student/tools/tools.css",
  "/ui/student/tools/eliminator.js",
  "/ui/student/tools/exam-tools.js",
  "/ui/student/tools/highlighter.js",
  "/ui/shared/base.css",
  "/ui/shared/api.js",
  "/ui/shared/device-store.js",
  "/ui/shared/dialog.js",
  "/ui/shared/dom.js",
  "/ui/shared/format.js",
  "/ui/shared/i18n.js",
  "/ui/shared/language-picker.js",
  "/ui/shared/plural.js",
  "/ui/shared/login-form.js",
  "/ui/shared/prefs.js",
  "/ui/shared/text.js",
  "/ui/locales/languages.json",
  "/ui/locales/en.json",
  "/ui/locales/fr.json",
  "/ui/locales/ar.json",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== CACHE && name !== ASSETS) await caches.delete(name);
    }
    // Take the pages already open, so the exam page is covered from its first load.
    await self.clients.claim();
  })());
});

// A page that opened while this worker was being installed missed the claim above (a page still
// loading is not yet one to take); it asks for it once it runs.
self.addEventListener("message", (event) => {
  if (event.data === "claim") event.waitUntil(self.clients.claim());
});

// The query string (?exam=MTH101) does not change the file: one copy per path.
function cacheKey(url) {
  return new Request(url.origin + url.pathname);
}

function withinWait(promise) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("network too slow")), NETWORK_WAIT_MS);
    promise.then((value) => { clearTimeout(timer); resolve(value); },
                 (err) => { clearTimeout(timer); reject(err); });
  });
}

async function networkFirst(request, url, cacheName) {
  const cache = await caches.open(cacheName);
  const fromNetwork = fetch(request).then((response) => {
    if (response.ok) cache.put(cacheKey(url), response.clone());
    return response;
  });
  fromNetwork.catch(() => {}); // a late failure after the kept copy answered is nobody's news
  try {
    return await withinWait(fromNetwork);
  } catch (err) {
    const kept = await cache.match(cacheKey(url));
    if (kept) return kept;
    return fromNetwork; // nothing kept: the network's own answer (or its error) is all there is
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/ui/")) event.respondWith(networkFirst(event.request, url, CACHE));
  else if (url.pathname.startsWith("/exam-assets/")) {
    event.respondWith(networkFirst(event.request, url, ASSETS));
  }
});
