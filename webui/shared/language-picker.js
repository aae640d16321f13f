// The language switch on the candidate's and the staff pages: a labelled select of the languages
// the hall's pages come in. The choice is kept on this PC and applied at once.

import { el } from "./dom.js";
import { availableLanguages, currentLanguage, rememberLanguage, t, useLanguage } from "./i18n.js";

/**
 * Renders the switch into every [data-language-picker] element. onChosen(tag) runs after the
 * page has switched (the exam page also keeps the choice with the session); `remember(tag)`
 * keeps it on this PC (the staff pages keep theirs apart from a candidate's).
 */
export async function installLanguagePicker(onChosen = () => {}, { remember = rememberLanguage } = {}) {
  const languages = await availableLanguages();
  for (const [index, holder] of [...document.querySelectorAll("[data-language-picker]")].entries()) {
    const id = `language-choice-${index}`;
    const label = el("label", { text: t("Language"), attrs: { for: id } });
    const select = el("select", { attrs: { id } },
      ...languages.map(({ language, name }) => el("option", { text: name, attrs: { value: language, lang: language } })));
    select.value = currentLanguage();
    select.addEventListener("change", async () => {
      remember(select.value);
      await useLanguage(select.value);
      onChosen(select.value);
    });
    document.addEventListener("examhall:language", () => {
      label.textContent = t("Language");
      select.value = currentLanguage();
    });
    holder.replaceChildren(label, select);
  }
}
