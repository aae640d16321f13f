// The exam page's start: who is logged in on this PC, the sitting (the hall's restore merged
// with this PC's journal, or the journal alone while the hall does not answer), then the page.
// The hall's notices (notices.js) are heard from the start: a page held at the check-in opens
// the moment the invigilator starts the exam, and the exam page acts on every invigilator's
// action at once.

import { getJson, isTransient, needsLogin } from "../shared/api.js";
import { $ } from "../shared/dom.js";
import { installPrefs } from "../shared/prefs.js";
import { chosenLanguage, currentLanguage, t, useLanguage } from "../shared/i18n.js";
import { installLanguagePicker } from "../shared/language-picker.js";
import { examPaths } from "./exam-paths.js";
import { Journal, forgetCandidate, loggedInCandidate } from "./journal.js";
import { hallSettings } from "./settings.js";
import { keepPagesOffline } from "./offline-shell.js";
import { showExamEnded, showMessage } from "./message-view.js";
import { endsTheExam } from "./session-manager.js";
import { ExamPage } from "./exam-page.js";
import { NoticeChannel } from "./notices.js";
import { WaitingRoom, holdsTheExam } from "./waiting-room.js";

function goToLogin(reason = "") {
  location.replace(`index.html${reason ? `?reason=${encodeURIComponent(reason)}` : ""}`);
}

/**
 * Opens the sitting with the hall: the paper (kept in the journal), the lease, the restore
 * merged with the journal. Resolves {online, moved}; throws what the page cannot go on with.
 */
async function openWithHall(journal, paths) {
  try {
    const paper = await getJson(paths.paper);
    await journal.keepPaper({ exam: paper.exam, questions: paper.questions });
    journal.noteServer(paper.session);
    if (!paper.session.lease_held) {
      // Either the exam moved on to another PC, or it waits for an invigilator to come here.
      const clock = await getJson(paths.clock);
      return { online: true, moved: !clock.move_pending, waiting: Boolean(clock.move_pending) };
    }
    const restore = await getJson(paths.restore);
    // Logged in here again after the exam had moved away: what was left here is set aside.
    if (journal.frozen) await journal.setAside();
    journal.noteServer(restore);
    await journal.adoptServer(restore.session_data, restore.revision);
    return { online: true, moved: false };
  } catch (err) {
    if (isTransient(err)) {
      return { online: false, moved: journal.frozen };
    }
    throw err;
  }
}

/**
 * One page per sitting in this browser: a newer tab or window of the same exam takes over, and
 * this one stops (two pages writing one journal would undo each other's changes).
 */
function watchOtherTabs(sittingId, onTakenOver) {
  if (typeof BroadcastChannel !== "function") return;
  const channel = new BroadcastChannel(`examhall:${sittingId}`);
  channel.onmessage = (event) => {
    if (event.data === "opened") {
      channel.close();
      onTakenOver();
    }
  };
  channel.postMessage("opened");
}

async function openPage(examId) {
  const candidate = await loggedInCandidate();
  if (!candidate) return goToLogin();
  const [settings, journal] = await Promise.all([hallSettings(), Journal.open(candidate, examId)]);
  $("hall-name").textContent = settings.hall_name;
  const paths = examPaths(examId);
  const channel = new NoticeChannel();
  channel.start();
  let opened;
  let room = null;
  for (;;) {
    try {
      opened = await openWithHall(journal, paths);
      break;
    } catch (err) {
      if (!holdsTheExam(err)) {
        channel.stop();
        return handleOpenError(err, journal);
      }
      room ??= new WaitingRoom({ channel, candidate, examId });
      await room.wait(err); // until a notice (the start, an admission) or the slow recheck
    }
  }
  room?.leave();
  if (!journal.paper) {
    channel.stop();
    return showMessage({
      title: t("The hall cannot be reached"),
      paragraphs: [t("Your exam has not been opened on this PC before, so it needs the hall. Check the network cable, then try again, or raise your hand.")],
      actions: [{ text: t("Try again"), onClick: () => location.reload() }],
    });
  }
  // The candidate's own choice on this PC, else the one kept with the session, else the exam's.
  const language = chosenLanguage() || journal.state.tools?.language || journal.paper.exam.language;
  if (language && language !== currentLanguage()) await useLanguage(language);
  const page = new ExamPage({ journal, settings, candidate, examId, channel });
  await installLanguagePicker((chosen) => page.languageChanged(chosen));
  watchOtherTabs(journal.sitting.id, () => page.takenOver());
  await page.show(opened);
}

async function handleOpenError(err, journal) {
  if (needsLogin(err)) return goToLogin("expired");
  if (endsTheExam(err)) {
    await journal.clear();
    await forgetCandidate().catch(() => {});
    return showExamEnded(err.code, err.message, err.details?.reason);
  }
  showMessage({ title: t("This exam cannot be opened"),
                paragraphs: [err.message, t("Raise your hand for an invigilator.")],
                actions: [{ text: t("Back to the login"), href: "index.html" }] });
}

async function main() {
  installPrefs();
  await useLanguage(chosenLanguage() || "en");
  keepPagesOffline($("offline-ready"));
  const examId = new URLSearchParams(location.search).get("exam");
  if (!examId) return goToLogin();
  try {
    await openPage(examId);
  } catch (err) {
    showMessage({ title: t("Something went wrong on this page"),
                  paragraphs: [String(err?.message || err), t("Reload the page; your answers are kept on this PC.")],
                  actions: [{ text: t("Reload"), onClick: () => location.reload() }] });
    throw err;
  }
}

main();
