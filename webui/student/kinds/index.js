// The question kinds beyond choice, text and match, by the kind the paper names: each a function
// (question, value, onChange, stem) that returns what goes under the stem (and may put list
// boxes or buttons into the stem itself, where the text has its gaps or words).

import { associateGrid } from "./associate.js";
import { gapMatch } from "./gap-match.js";
import { hotspot } from "./hotspot.js";
import { hottext } from "./hottext.js";
import { inlineChoice } from "./inline.js";
import { orderList } from "./order.js";
import { selectPoint } from "./point.js";

export const KIND_VIEWS = {
  inline: inlineChoice,
  order: orderList,
  gap_match: gapMatch,
  hottext,
  associate: associateGrid,
  hotspot,
  point: selectPoint,
};
