// The hall's addresses for one candidate's exam: the paper, and the session's endpoints.

/** The paths of one exam's endpoints. */
export function examPaths(examId) {
  const base = `/student/exam/${encodeURIComponent(examId)}`;
  return {
    paper: base,
    save: `${base}/session/save`,
    restore: `${base}/session/restore`,
    complete: `${base}/session/complete`,
    clock: `${base}/session/clock`,
    report: `${base}/session/report`,
  };
}
