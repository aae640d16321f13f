// The invigilator console: wires the live feed to the roster, the alerts and the hall's control.
// Nothing here polls: the hall pushes every change (live-feed.js); a one-second tick only moves
// the countdowns and the "last save" ages on, against the hall's clock.

import { errorText } from "../shared/api.js";
import { $ } from "../shared/dom.js";
import { formatTimeOfDay } from "../shared/format.js";
import { startStaffPage } from "../staff/staff-header.js";
import { CandidateActions } from "./actions.js";
import { AlertsPanel } from "./alerts-panel.js";
import { HallControl } from "./hall-control.js";
import { LiveFeed } from "./live-feed.js";
import { RosterModel } from "./roster-model.js";
import { RosterTable } from "./roster-table.js";
import { ServerClock } from "./server-clock.js";

const TICK_MS = 1000;

const FEED_STATES = {
  connecting: "Connecting to the hall…",
  live: "Live: changes appear as they happen.",
  reconnecting: "Connection lost: reconnecting. The table shows what was last known.",
};

function say(text, isError = false) {
  const status = $("action-status");
  status.textContent = text;
  status.classList.toggle("is-error", isError);
}

function showFeedState(state) {
  const element = $("feed-state");
  element.dataset.state = state;
  element.textContent = FEED_STATES[state];
  if (state === "live") element.title = `Connected at ${formatTimeOfDay(Date.now())}`;
}

function renderSummary(model) {
  const counts = model.counts();
  for (const element of document.querySelectorAll("[data-count]")) {
    if (element.closest("#summary")) element.textContent = String(counts[element.dataset.count] ?? 0);
  }
}

function wireFilters(table) {
  const text = $("filter-text");
  const state = $("filter-status");
  const pressed = () => {
    for (const item of document.querySelectorAll(".summary-item")) {
      item.setAttribute("aria-pressed", String(item.dataset.filter === state.value));
    }
  };
  text.addEventListener("input", () => table.setFilter({ text: text.value }));
  state.addEventListener("change", () => { table.setFilter({ state: state.value }); pressed(); });
  for (const item of document.querySelectorAll(".summary-item")) {
    item.addEventListener("click", () => {
      state.value = item.dataset.filter;
      table.setFilter({ state: state.value });
      pressed();
    });
  }
  pressed();
  // "/" finds, as in most tools an invigilator may know; never while typing in a field.
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest?.("input, select, textarea, dialog");
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      text.focus();
      text.select();
    }
  });
}

/** Shows the alert's candidate in the table and puts focus on their Actions button. */
function findCandidate(table, alert) {
  $("filter-status").value = "all";
  $("filter-text").value = alert.registration_number;
  table.setFilter({ text: alert.registration_number, state: "all" });
  const row = document.querySelector(`tr[data-key="${CSS.escape(`${alert.registration_number}/${alert.exam_id}`)}"]`);
  row?.querySelector(".cell-actions button")?.focus();
  row?.scrollIntoView({ block: "center" });
}

async function start() {
  const member = await startStaffPage((err) => {
    $("console-error").textContent = errorText(err);
    $("console-error").hidden = false;
  });
  if (!member) return;
  const model = new RosterModel();
  const clock = new ServerClock();
  const actions = new CandidateActions({ model, clock, onStatus: say });
  const table = new RosterTable({
    model, clock, table: $("roster-table"), body: $("roster-body"), count: $("roster-count"),
    empty: $("roster-empty"), onOpen: (key) => actions.open(key),
  });
  const alerts = new AlertsPanel({
    model, clock, section: $("alerts"), list: $("alert-list"), empty: $("no-alerts"),
    count: $("alert-count"), announcer: $("alert-announcer"), heading: $("alerts-title"),
    onFind: (alert) => findCandidate(table, alert),
    onApprove: (alert) => actions.approveMove(alert.registration_number, alert.exam_id),
    onStatus: say,
  });
  const hall = new HallControl({ model, clock, onStatus: say });
  model.on("rows", ({ changed }) => {
    if (changed === null) table.refresh();
    else table.changed(changed);
    if (changed !== null) actions.refresh(changed);
    renderSummary(model);
  });
  model.on("alerts", (detail) => alerts.update(detail));
  model.on("hall", () => hall.render());
  wireFilters(table);

  const feed = new LiveFeed("/staff/live", {
    snapshot: (data) => {
      clock.sync(data.server_time);
      model.replace(data);
      $("console").setAttribute("aria-busy", "false");
    },
    candidate: (row) => model.updateRow(row),
    alert: (alert) => model.updateAlert(alert),
    hall: (state) => model.updateHall(state),
    state: showFeedState,
  });
  feed.start();
  setInterval(() => { table.tick(); alerts.tick(); hall.tick(); }, TICK_MS);
}

start();
