// The words the shared layer shows people, in one table, looked up by key: `text(key, params)`.
//
// English only for now. When message catalogs arrive, this module is where a `t(key, params)`
// over JSON catalogs plugs in: the keys stay, the table becomes the English catalog, and pages
// route their own words through the same function. Nothing else in webui/shared/ writes a
// sentence of its own.

const ENGLISH = Object.freeze({
  "api.unreachable": "The hall cannot be reached.",
  "api.unreachable.advice": "The hall cannot be reached. Check this PC's network cable and try again.",
  "api.bad_answer": "The hall answered {status}.",
  "page.bug": "Something went wrong on this page: {error}",
  "value.none": "—",
  "time.seconds": "{count} seconds",
  "time.second": "1 second",
  "time.minute": "1 minute",
  "time.minutes": "{count} minutes",
  "span.seconds": "{seconds} s",
  "span.minutes": "{minutes} min {seconds} s",
  "span.hours": "{hours} h {minutes} min",
  "status.assigned": "Not started",
  "status.in_progress": "In progress",
  "status.completed": "Completed",
});

/** The words for `key`, with each {name} filled from `params`; the key itself when unknown. */
export function text(key, params = {}) {
  const template = ENGLISH[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

