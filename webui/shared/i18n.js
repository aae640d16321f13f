// The pages' languages: message catalogs (webui/locales/*.json, compiled from the .po files by
// `hall i18n compile`), the words a page shows looked up in the one in use, and the page's
// <html lang dir> set to it.
//
//   t("Time left")                                    a message
//   t("Question {number}", { number: 3 })             placeholders, filled as text
//   tn("{count} minute", "{count} minutes", n)        plural forms by the catalog's own rule
//   N_("Normal text")                                  marks a constant for extraction only
// HTML marks its words with data-i18n (the text) and data-i18n-attr="aria-label ..." (attributes);
// translatePage() puts them in the language in use. A message missing from the catalog shows in
// English, the source language, rather than as nothing.

import { forget, keep, readKept } from "./device-store.js";
import { compilePlural } from "./plural.js";

const CHOICE_KEY = "examhall-language";
const SOURCE = { language: "en", dir: "ltr", messages: {}, plural: (n) => (n === 1 ? 0 : 1) };
const originals = new WeakMap();   // element -> {text, attrs}: the English it was written with
let catalog = SOURCE;

const fill = (template, params) =>
  template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));

/** The words for `message` in the language in use, each {name} filled from `params`. */
export function t(message, params = {}) {
  const found = catalog.messages[message];
  return fill(typeof found === "string" && found ? found : message, params);
}

/** The plural form for `count` (also given to the message as {count}, in the language's digits). */
export function tn(singular, plural, count, params = {}) {
  const forms = catalog.messages[singular];
  const chosen = Array.isArray(forms) && forms.length
    ? forms[Math.min(catalog.plural(count), forms.length - 1)]
    : (SOURCE.plural(count) === 0 ? singular : plural);
  return fill(chosen, { count: formatNumber(count), ...params });
}

/** Marks a constant message for extraction; translate it with t() where it is shown. */
export const N_ = (message) => message;

/** The language in use ("en", "fr", "ar"...). */
export const currentLanguage = () => catalog.language;

/** A number as the language in use writes it. */
export function formatNumber(value, options = {}) {
  return typeof value === "number" ? new Intl.NumberFormat(catalog.language, options).format(value) : String(value);
}

const localeUrl = (name) => new URL(`../locales/${name}.json`, import.meta.url);

async function fetchJson(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

/** The languages the hall's pages come in: [{language, name, dir}]. */
export async function availableLanguages() {
  try {
    return (await fetchJson(localeUrl("languages"))).languages;
  } catch {
    return [{ language: "en", name: "English", dir: "ltr" }];
  }
}

async function loadCatalog(tag) {
  const base = String(tag || "").split("-")[0].toLowerCase();
  for (const name of [tag, base]) {
    if (!name || !/^[A-Za-z0-9-]+$/.test(name)) continue;
    try {
      const loaded = await fetchJson(localeUrl(name));
      return { ...loaded, plural: compilePlural(loaded.plural_forms) };
    } catch {
      // Not shipped (or not reachable): try the next, then English.
    }
  }
  return SOURCE;
}

/** Puts marked elements under `root` into the language in use. */
export function translatePage(root = document) {
  const marked = root.querySelectorAll("[data-i18n], [data-i18n-attr]");
  for (const element of marked) {
    // data-i18n="once": a placeholder the page replaces (the exam's title), translated at load only.
    if (originals.has(element) && element.dataset.i18n === "once") continue;
    if (!originals.has(element)) {
      const attrs = {};
      for (const name of (element.dataset.i18nAttr || "").split(/\s+/).filter(Boolean)) {
        attrs[name] = element.getAttribute(name) || "";
      }
      const text = element.hasAttribute("data-i18n") ? element.textContent.replace(/\s+/g, " ").trim() : null;
      originals.set(element, { text, attrs });
    }
    const { text, attrs } = originals.get(element);
    if (text !== null) element.textContent = t(text);
    for (const [name, message] of Object.entries(attrs)) {
      if (message) element.setAttribute(name, t(message));
    }
  }
}

/** Loads `tag`'s catalog (its base language, else English), sets <html lang dir>, translates. */
export async function useLanguage(tag) {
  catalog = await loadCatalog(tag);
  document.documentElement.lang = catalog.language;
  document.documentElement.dir = catalog.dir === "rtl" ? "rtl" : "ltr";
  translatePage();
  document.dispatchEvent(new CustomEvent("examhall:language", { detail: catalog.language }));
  return catalog.language;
}

/** The language chosen on this PC, or null (`key`: the staff pages keep their own choice). */
export const chosenLanguage = (key = CHOICE_KEY) => readKept(key, null);

/** Remembers the choice on this PC. */
export const rememberLanguage = (tag, key = CHOICE_KEY) => keep(key, tag);

/** Forgets it (after a submission: the next candidate starts with the exam's language). */
export const forgetLanguage = () => forget(CHOICE_KEY);
