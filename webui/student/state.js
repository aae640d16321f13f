// What a candidate has done, as plain data, and the pure rules that change it.
//
// state = { current: <index into this candidate's paper>, answers: {qid: value}, marked: [qid],
//           tools: {eliminated: {qid: [key]}, highlights: {qid: [[start, end]]}, language} }
// A change is one field of a save:
//   { field: "answers", qid, value }          value: a key, a list of keys, a string, or null
//   { field: "marked_questions", value: [qid] }
//   { field: "current_question", value: index }
//   { field: "tool_state", value: tools }     the marks of the exam's tools, never an answer
// The hall merges saves per field (and per answer), so a change is exactly one such field.

export function emptyState() {
  return { current: 0, answers: {}, marked: [], tools: emptyTools() };
}

/** No option struck out, nothing highlighted, no language chosen. */
export function emptyTools() {
  return { eliminated: {}, highlights: {} };
}

/** An answer that counts as given: not null, not an empty list, not blank text. */
export function isAnswered(value) {
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "string") return value.trim().length > 0;
  return true;
}

/** The state the hall holds (restore's session_data), in the page's shape. */
export function fromServer(data) {
  const answers = {};
  for (const [qid, value] of Object.entries(data?.answers || {})) {
    if (isAnswered(value)) answers[qid] = value;
  }
  return {
    current: Number.isInteger(data?.current_question) ? data.current_question : 0,
    answers,
    marked: Array.isArray(data?.marked_questions) ? [...data.marked_questions] : [],
    tools: data?.tool_state && typeof data.tool_state === "object" ? { ...emptyTools(), ...data.tool_state } : emptyTools(),
  };
}

/** The state after one change; the old state is left alone. */
export function applyChange(state, change) {
  if (change.field === "answers") {
    const answers = { ...state.answers };
    if (isAnswered(change.value)) answers[change.qid] = change.value;
    else delete answers[change.qid];
    return { ...state, answers };
  }
  if (change.field === "marked_questions") return { ...state, marked: [...change.value] };
  if (change.field === "current_question") return { ...state, current: change.value };
  if (change.field === "tool_state") return { ...state, tools: change.value };
  return state;
}

/** The name a change is merged under: changes with the same name replace each other. */
export function changeKey(change) {
  return change.field === "answers" ? `answers/${change.qid}` : change.field;
}

/** One save body (without device_seq) carrying these changes, later ones winning. */
export function saveBody(changes) {
  const body = {};
  for (const change of changes) {
    if (change.field === "answers") {
      body.answers = body.answers || {};
      body.answers[change.qid] = isAnswered(change.value) ? change.value : null;
    } else {
      body[change.field] = change.value;
    }
  }
  return body;
}

/** Every field of a state as changes: what is sent when the hall has lost what it had. */
export function stateAsChanges(state) {
  return [
    ...Object.entries(state.answers).map(([qid, value]) => ({ field: "answers", qid, value })),
    { field: "marked_questions", value: [...state.marked] },
    { field: "current_question", value: state.current },
    ...(hasToolMarks(state.tools) ? [{ field: "tool_state", value: state.tools }] : []),
  ];
}

/** True when the candidate has used a tool (or chosen a language) in this sitting. */
export function hasToolMarks(tools) {
  if (!tools) return false;
  return Boolean(tools.language) || Object.keys(tools.eliminated || {}).length > 0
    || Object.keys(tools.highlights || {}).length > 0;
}

/** Counts for the page: how many answered, which are unanswered and marked (paper order). */
export function summarise(state, questions) {
  const unanswered = [];
  const marked = [];
  questions.forEach((question, index) => {
    if (!isAnswered(state.answers[question.id])) unanswered.push(index);
    if (state.marked.includes(question.id)) marked.push(index);
  });
  return { answered: questions.length - unanswered.length, unanswered, marked };
}
