// How numbers read on the staff pages: clock times, durations, sizes. One place, so that "3:05"
// means the same on the console, in a dialog and on the admin pages.

/** "41:20", or "1:05:03" past an hour; "—" when there is no time to show. */
export function formatClock(seconds) {
  if (typeof seconds !== "number" || Number.isNaN(seconds)) return "—";
  const whole = Math.max(0, Math.ceil(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

/** "8 s", "2 min 05 s", "1 h 12 min": how long ago or how long, read at a glance. */
export function formatSpan(seconds) {
  if (typeof seconds !== "number" || Number.isNaN(seconds)) return "—";
  const whole = Math.max(0, Math.floor(seconds));
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
  return `${Math.floor(whole / 3600)} h ${String(Math.floor((whole % 3600) / 60)).padStart(2, "0")} min`;
}

/** "14:05:09" in this PC's time zone, from an ISO time or epoch milliseconds. */
export function formatTimeOfDay(when) {
  if (when === null || when === undefined) return "—";
  const date = new Date(when);
  if (Number.isNaN(date.getTime())) return "—";
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit",
                                       hour12: false });
}

/** "14:05" for axis labels. */
export function formatHourMinute(when) {
  const date = new Date(when);
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
}

/** "2026-03-14 14:05:09" for logs and histories, where the date matters too. */
export function formatDateTime(when) {
  if (when === null || when === undefined) return "—";
  const date = new Date(when);
  if (Number.isNaN(date.getTime())) return "—";
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    formatTimeOfDay(date);
}

const UNITS = ["bytes", "KB", "MB", "GB", "TB"];

/** "1.4 MB": sizes in powers of 1024, one decimal past the first unit. */
export function formatBytes(bytes) {
  if (typeof bytes !== "number" || Number.isNaN(bytes)) return "—";
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
  if (typeof value !== "number" || Number.isNaN(value)) return "—";
  return value.toLocaleString();
}

/** "4.2 ms", or "—" when the hall has no figure yet. */
export function formatMs(value) {
  if (typeof value !== "number" || Number.isNaN(value)) return "—";
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

/** The hall's words for a session's state, as an invigilator says them. */
export const STATUS_LABELS = Object.freeze({
  assigned: "Not started",
  in_progress: "In progress",
  completed: "Completed",
});

/** "In progress" for "in_progress", and something readable for a state this page does not know. */
export function statusLabel(status) {
  return STATUS_LABELS[status] ?? String(status).replaceAll("_", " ");
}
