// The login form every login page shares (a candidate's, staff's, the central's): two fields,
// one button, one error line (ids login-form, login-button, login-error). It checks that both
// fields are filled, keeps the button busy while the hall answers, and on a refusal says why,
// clears the secret and puts the cursor back in it.

import { errorText } from "./api.js";
import { $ } from "./dom.js";

/** Shows `text` in the form's error line. */
export function showLoginError(text) {
  $("login-error").textContent = text;
  $("login-error").hidden = false;
}

/**
 * Wires the form. who, secret: the ids of its two fields; missing: what to say when one is
 * empty; busyText: the button's words while waiting (none: unchanged); unreachable: the advice
 * when the hall does not answer; logIn(who, secret): the request and whatever follows it.
 */
export function wireLoginForm({ who, secret, missing, busyText = null, unreachable, logIn }) {
  const button = $("login-button");
  const idleText = button.textContent;
  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const whoValue = $(who).value.trim();
    const secretValue = $(secret).value;
    $("login-error").hidden = true;
    if (!whoValue || !secretValue) {
      showLoginError(missing);
      $(whoValue ? secret : who).focus();
      return;
    }
    button.disabled = true;
    if (busyText) button.textContent = busyText;
    try {
      await logIn(whoValue, secretValue);
    } catch (err) {
      showLoginError(errorText(err, { unreachable }));
      $(secret).value = "";
      $(secret).focus();
    } finally {
      button.disabled = false;
      button.textContent = idleText;
    }
  });
  // The button is disabled in the HTML until now: a click before this would have sent the form
  // the browser's way (a page reload, the password in the request), not the hall's.
  button.disabled = false;
}
