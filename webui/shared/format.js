// How numbers and times read on every page: countdowns, times of day, spans, sizes, counts.
// One place, so that "3:05" means the same on the exam page, on the console and in a dialog.
// Anything that is not a number (or not a time) reads "—" rather than "NaN".
//
// Times of day are written from the date's own fields, not with toLocaleTimeString: the same
// "14:05:09" on every PC whatever its locale, and no "24:05:09" just after midnight (Chromium
// with hour12: false). Message catalogs, when they come, change the words in text.js only.

import { formatNumber, tn } from "./i18n.js";
import { text } from "./text.js";

const NONE = () => text("value.none");
const pad = (n) => String(n).padStart(2, "0");

function isNumber(value) {
  return typeof value === "number" && !Number.isNaN(value);
}

function asDate(when) {
  if (when === null || when === undefined) return null;
  const date = new Date(when);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "41:20", or "1:05:03" past an hour: a countdown. */
export function formatClock(seconds) {
  if (!isNumber(seconds)) return NONE();
  const whole = Math.max(0, Math.ceil(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = pad(whole % 60);
  return hours > 0 ? `${hours}:${pad(minutes)}:${secs}` : `${minutes}:${secs}`;
}

/** "41 minutes", "1 minute", "30 seconds": time left, as it is said aloud. */
export function describeTime(seconds) {
  const whole = Math.max(0, Math.ceil(seconds));
  if (whole >= 60) return tn("{count} minute", "{count} minutes", Math.floor(whole / 60));
  return tn("{count} second", "{count} seconds", whole);
}

/** "8 s", "2 min 05 s", "1 h 12 min": how long ago or how long, read at a glance. */
export function formatSpan(seconds) {
  if (!isNumber(seconds)) return NONE();
  const whole = Math.max(0, Math.floor(seconds));
  if (whole < 60) return text("span.seconds", { seconds: whole });
  if (whole < 3600) return text("span.minutes", { minutes: Math.floor(whole / 60), seconds: pad(whole % 60) });
  return text("span.hours", { hours: Math.floor(whole / 3600), minutes: pad(Math.floor((whole % 3600) / 60)) });
}

/** "14:05:09" in this PC's time zone, from an ISO time or epoch milliseconds. */
export function formatTimeOfDay(when) {
  const date = asDate(when);
  if (!date) return NONE();
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** "14:05", for axis labels. */
export function formatHourMinute(when) {
  const date = asDate(when);
  return date ? `${pad(date.getHours())}:${pad(date.getMinutes())}` : NONE();
}

/** "2026-03-14 14:05:09", for logs and histories, where the date matters too. */
export function formatDateTime(when) {
  const date = asDate(when);
  if (!date) return NONE();
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${formatTimeOfDay(date)}`;
}

const UNITS = ["bytes", "KB", "MB", "GB", "TB"];

/** "1.4 MB": sizes in powers of 1024, one decimal past the first unit. */
export function formatBytes(bytes) {
  if (!isNumber(bytes)) return NONE();
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** "1,234": thousands grouped the way this PC reads them. */
export function formatCount(value) {
  return isNumber(value) ? formatNumber(value) : NONE();
}

/** "4.2 ms", or "—" when the hall has no figure yet. */
export function formatMs(value) {
  if (!isNumber(value)) return NONE();
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

/** "In progress" for "in_progress", and something readable for a state this page does not know. */
export function statusLabel(status) {
  const key = `status.${status}`;
  const words = text(key);
  return words === key ? String(status).replaceAll("_", " ") : words;
}
