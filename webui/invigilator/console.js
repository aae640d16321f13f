// The invigilator console: wires the live feed to the roster, the alerts and the hall's control.
// The hall pushes every change (live-feed.js); a one-second tick only moves the countdowns and the
// "last save" ages on, against the hall's clock. Only the sitting panels also re-read their
// sittings every few seconds (a candidate's check-in is not pushed).

import { errorText } from "../shared/api.js";
import { $ } from "../shared/dom.js";
import { formatTimeOfDay } from "../shared/format.js";
import { N_, t } from "../shared/i18n.js";
import { startStaffPage } from "../staff/staff-header.js";
import { CandidateActions } from "./actions.js";
import { AlertsPanel } from "./alerts-panel.js";
import { HallControl } from "./hall-control.js";
import { LiveFeed } from "./live-feed.js";
import { RosterModel } from "./roster-model.js";
import { RosterTable } from "./roster-table.js";
import { SeatMap } from "./seat-map.js";
import { SittingPanels } from "./sitting-panel.js";
import { keep, readKept } from "../shared/device-store.js";
import { ServerClock } from "./server-clock.js";

const TICK_MS = 1000;

const FEED_STATES = {
  connecting: N_("Connecting to the hall…"),
  live: N_("Live: changes appear as they happen."),
  reconnecting: N_("Connection lost: reconnecting. The table shows what was last known."),
};

function say(text, isError = false) {
  const status = $("action-status");
  status.textContent = text;
  status.classList.toggle("is-error", isError);
}

function showFeedState(state) {
  const element = $("feed-state");
  element.dataset.state = state;
  element.textContent = t(FEED_STATES[state]);
  if (state === "live") element.title = t("Connected at {time}", { time: formatTimeOfDay(Date.now()) });
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

/** The Table / Seat map switch; the choice stays on this PC. */
function wireViews(map) {
  const VIEW_KEY = "examhall.console.view";
  const buttons = { table: $("view-table"), map: $("view-map") };
  const choose = (view) => {
    for (const [name, control] of Object.entries(buttons)) control.setAttribute("aria-pressed", String(name === view));
    $("table-wrap").hidden = view === "map";
    map.show(view === "map");
    keep(VIEW_KEY, view);
  };
  buttons.table.addEventListener("click", () => choose("table"));
  buttons.map.addEventListener("click", () => choose("map"));
  choose(readKept(VIEW_KEY, "table") === "map" ? "map" : "table");
  return choose;
}

/** Shows the alert's candidate in the table and puts focus on their Actions button. */
function findCandidate(table, alert, showTable) {
  showTable();
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
    onFind: (alert) => findCandidate(table, alert, () => showView("table")),
    onApprove: (alert) => actions.approveMove(alert.registration_number, alert.exam_id),
    onStatus: say,
  });
  const hall = new HallControl({ model, clock, onStatus: say });
  const sittings = new SittingPanels({ clock, section: $("sittings"), list: $("sitting-list"), onStatus: say });
  const map = new SeatMap({ model, container: $("seat-map"), grid: $("map-grid"), unplaced: $("map-unplaced"),
                            unplacedList: $("map-unplaced-list"), onOpen: (key) => actions.open(key),
                            matches: (key, alerted) => table.matches(key, alerted) });
  table.onFilter = () => map.refresh();
  model.on("rows", ({ changed }) => {
    if (changed === null) table.refresh();
    else table.changed(changed);
    if (changed !== null) actions.refresh(changed);
    renderSummary(model);
    map.refresh();
  });
  model.on("alerts", (detail) => { alerts.update(detail); map.refresh(); });
  model.on("desks", () => map.refresh());
  model.on("hall", () => hall.render());
  wireFilters(table);
  const showView = wireViews(map);

  const feed = new LiveFeed("/staff/live", {
    snapshot: (data) => {
      clock.sync(data.server_time);
      model.replace(data);
      sittings.soon();
      $("console").setAttribute("aria-busy", "false");
    },
    candidate: (row) => { model.updateRow(row); sittings.soon(); },
    alert: (alert) => model.updateAlert(alert),
    hall: (state) => model.updateHall(state),
    desks: (plan) => model.updateDesks(plan),
    sitting: (sitting) => sittings.sittingChanged(sitting),
    sitting_refused: (attempt) => sittings.refused(attempt),
    sitting_checked_in: () => sittings.soon(),
    state: showFeedState,
  });
  feed.start();
  sittings.start();
  setInterval(() => { table.tick(); alerts.tick(); hall.tick(); sittings.tick(); }, TICK_MS);
}

start();
