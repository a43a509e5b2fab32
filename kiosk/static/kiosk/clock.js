// The kiosk's clock: the hall's local time and date, refreshed every few seconds.
import { lang } from "./text.js";

/** Keep the time and date elements current in the hall's time zone. */
export function startClock(timeEl, dateEl, getTimeZone) {
  const locale = lang === "en" ? "en-GB" : "zh-CN";
  function tick() {
    const timeZone = getTimeZone() || "Asia/Shanghai";
    const now = new Date();
    try {
      timeEl.textContent = new Intl.DateTimeFormat(locale, { timeZone, hour: "2-digit", minute: "2-digit", hour12: false }).format(now);
      dateEl.textContent = new Intl.DateTimeFormat(locale, { timeZone, month: "long", day: "numeric", weekday: "long" }).format(now);
    } catch (e) {
      timeEl.textContent = now.toTimeString().slice(0, 5);
    }
  }
  tick();
  return setInterval(tick, 5000);
}
