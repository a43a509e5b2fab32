// Translated texts and small formatters shared by the kiosk and the mobile ticket page.
import { formatWait } from "/static/hall/live.js";

const STRINGS = window.KIOSK_I18N || {};
const CONF = window.KIOSK_CONF || {};

/** The page's language: "zh_CN" or "en". */
export const lang = CONF.lang || "zh_CN";

/** A translated text with {placeholders} filled in. */
export function t(key, vars) {
  let text = STRINGS[key] || key;
  for (const [name, value] of Object.entries(vars || {})) text = text.replaceAll("{" + name + "}", value);
  return text;
}

/** An object's name in the page's language (falls back to Chinese when no English name is set). */
export function localName(obj, field = "name") {
  if (!obj) return "";
  return lang === "en" ? (obj[field + "_en"] || obj[field] || "") : (obj[field] || "");
}

/** An estimated wait for people: "—" when unknown, "No wait" when nobody is ahead, else minutes. */
export function waitText(seconds) {
  if (seconds === 0) return t("no_wait");
  return formatWait(seconds, STRINGS);
}

let timeFormat = null;

/** Set the hall's time zone used by formatTime (the kiosk reads it from the snapshot). */
export function setTimeZone(tz) {
  try {
    timeFormat = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "zh-CN",
      { timeZone: tz || CONF.tz || "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hour12: false });
  } catch (e) {
    timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hour12: false });
  }
}

/** A moment (ISO string or Date) as HH:MM in the hall's time zone. */
export function formatTime(moment) {
  if (!timeFormat) setTimeZone(CONF.tz);
  const date = moment instanceof Date ? moment : new Date(moment);
  return Number.isNaN(date.getTime()) ? "" : timeFormat.format(date);
}

/** Create an element with a class and text. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}
