// A sealed sitting's release: the field where the chief invigilator types the release code the
// central gave (read over the phone), when no uplink brought the release. The hall refuses a
// mistyped or wrong code (wrong_release_code) and logs it; a release is logged with who did it.

import { errorText, postJson } from "../shared/api.js";
import { el } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

/** The release form of one sitting; `onReleased(sitting)` gets the sitting as the hall answers. */
export class ReleaseForm {
  constructor({ sittingId, onReleased }) {
    const inputId = `release-code-${sittingId}`;
    this.input = el("input", { attrs: { id: inputId, name: "code", autocomplete: "off", spellcheck: "false",
                                        autocapitalize: "characters", required: "" } });
    this.error = el("p", { className: "notice bad", attrs: { role: "alert" } });
    this.error.hidden = true;
    const button = el("button", { className: "button primary", text: t("Open the paper"), attrs: { type: "submit" } });
    this.element = el("form", { className: "release-form", attrs: { "data-role": "release" } },
      el("p", { text: t("The paper is sealed. Type the release code the central gave you to open it.") }),
      el("div", { className: "field" }, el("label", { text: t("Release code"), attrs: { for: inputId } }), this.input),
      button, this.error);
    this.element.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (!this.input.value.trim()) { this.input.focus(); return; }
      button.disabled = true;
      this.error.hidden = true;
      try {
        const sitting = await postJson(`/staff/sittings/${encodeURIComponent(sittingId)}/release`,
                                       { code: this.input.value.trim() });
        this.input.value = "";
        onReleased(sitting);
      } catch (err) {
        this.error.textContent = errorText(err);
        this.error.hidden = false;
        this.input.focus();
      } finally {
        button.disabled = false;
      }
    });
  }

  /** Shown while the sitting's paper is sealed. */
  show(sealed) {
    this.element.hidden = !sealed;
  }
}
