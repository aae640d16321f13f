// An essay is saved as an edit against the text the hall last acknowledged, not whole each time.
//
// Why: a 3,000-word essay is about 18 KB; sent whole on every save (every second or two while
// the candidate types) it would fill the LAN and the hall's log. An edit is one splice: the text
// the hall has (`base`) and the text now share a prefix and a suffix; what lies between is
// replaced. However many keystrokes were made since the last acknowledged save, the edit is as
// long as the span they touched. The hall applies it in its unit of work, checks the result's
// checksum, and refuses (409 essay_out_of_step) an edit whose base it does not hold; the page
// then sends that essay whole once (the journal always keeps the whole text). See the hall's
// hallserver/domain/sessions/essay_saves.py for its half of the rules.
//
// Characters are code points (Array.from), as Python counts them; a checksum is
// "<length>:<CRC-32 of the UTF-8 as 8 hex digits>", as examkit/edits.py computes it.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

const encoder = new TextEncoder();

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** "<length in code points>:<crc32 hex>" of a text. */
export function checksum(text) {
  const length = Array.from(text).length;
  return `${length}:${crc32(encoder.encode(text)).toString(16).padStart(8, "0")}`;
}

/** The one splice turning `before` into `after`: {at, delete, insert, base, result}. */
export function editBetween(before, after) {
  const a = Array.from(before);
  const b = Array.from(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start += 1;
  let end = 0;
  while (end < a.length - start && end < b.length - start
         && a[a.length - 1 - end] === b[b.length - 1 - end]) end += 1;
  return { at: start, delete: a.length - start - end,
           insert: b.slice(start, b.length - end).join(""),
           base: checksum(before), result: checksum(after) };
}

/**
 * A save body with each essay answer turned into an edit against `acked` (qid → the text the
 * hall acknowledged), when that text is known and the edit is the smaller; others go whole.
 */
export function withEssayEdits(body, essayIds, acked) {
  if (!body.answers) return body;
  const answers = { ...body.answers };
  const edits = {};
  for (const qid of Object.keys(answers)) {
    if (!essayIds.has(qid) || typeof acked[qid] !== "string") continue;
    const now = answers[qid] ?? "";
    const edit = editBetween(acked[qid], now);
    if (edit.insert.length >= now.length && now.length < 200) continue; // short: whole is as small
    edits[qid] = edit;
    delete answers[qid];
  }
  if (Object.keys(edits).length === 0) return body;
  const shaped = { ...body, essay_edits: edits };
  if (Object.keys(answers).length) shaped.answers = answers;
  else delete shaped.answers;
  return shaped;
}

/** Live word count, as the hall counts words: runs of non-space characters. */
export function countWords(text) {
  const found = (text || "").match(/\S+/gu);
  return found ? found.length : 0;
}
