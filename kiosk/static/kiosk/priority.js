// The priority toggle (优先): for the elderly, the disabled, soldiers and late pregnancy; applies to the next ticket.
import { t } from "./text.js";

/** Bind the toggle button; returns {get(), reset()}. */
export function createPriorityToggle(button, labelEl) {
  let on = false;
  function show() {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.classList.toggle("on", on);
    labelEl.textContent = on ? t("priority_on") : t("priority_off");
  }
  button.addEventListener("click", () => { on = !on; show(); });
  show();
  return { get: () => on, reset: () => { on = false; show(); } };
}
