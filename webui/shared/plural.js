// A catalog's Plural-Forms expression ("n != 1", "(n==0 ? 0 : n==1 ? 1 : ...)"), read by a small
// parser rather than eval: C's ?:, ||, &&, comparisons, + - * / % and parentheses over n.
// compilePlural(expr) gives count => index of the plural form.

const TOKEN = /\s*(\d+|n|\|\||&&|==|!=|<=|>=|[<>?:()%*\/+\-!])/y;

function tokenize(expr) {
  const tokens = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expr.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(expr);
    if (!match) {
      if (/^\s*$/.test(expr.slice(start))) break;
      throw new SyntaxError(`plural forms: cannot read ${expr.slice(start)}`);
    }
    tokens.push(match[1]);
  }
  return tokens;
}

// Binary operators by precedence, loosest first (C's order).
const LEVELS = [["||"], ["&&"], ["==", "!="], ["<", "<=", ">", ">="], ["+", "-"], ["*", "/", "%"]];
const APPLY = {
  "||": (a, b) => (a || b ? 1 : 0), "&&": (a, b) => (a && b ? 1 : 0),
  "==": (a, b) => (a === b ? 1 : 0), "!=": (a, b) => (a !== b ? 1 : 0),
  "<": (a, b) => (a < b ? 1 : 0), "<=": (a, b) => (a <= b ? 1 : 0),
  ">": (a, b) => (a > b ? 1 : 0), ">=": (a, b) => (a >= b ? 1 : 0),
  "+": (a, b) => a + b, "-": (a, b) => a - b, "*": (a, b) => a * b,
  "/": (a, b) => Math.trunc(a / b), "%": (a, b) => a % b,
};

function parser(tokens) {
  let at = 0;
  const peek = () => tokens[at];
  const take = (wanted) => {
    if (wanted !== undefined && tokens[at] !== wanted) throw new SyntaxError(`plural forms: ${wanted} expected`);
    return tokens[at++];
  };
  function primary() {
    const token = take();
    if (token === "n") return (n) => n;
    if (token === "!") { const inner = primary(); return (n) => (inner(n) ? 0 : 1); }
    if (token === "(") { const inner = ternary(); take(")"); return inner; }
    if (/^\d+$/.test(token ?? "")) { const value = Number(token); return () => value; }
    throw new SyntaxError(`plural forms: unexpected ${token}`);
  }
  function binary(level) {
    if (level === LEVELS.length) return primary();
    let left = binary(level + 1);
    while (LEVELS[level].includes(peek())) {
      const apply = APPLY[take()];
      const l = left;
      const right = binary(level + 1);
      left = (n) => apply(l(n), right(n));
    }
    return left;
  }
  function ternary() {
    const test = binary(0);
    if (peek() !== "?") return test;
    take("?");
    const yes = ternary();
    take(":");
    const no = ternary();
    return (n) => (test(n) ? yes(n) : no(n));
  }
  const whole = ternary();
  if (at !== tokens.length) throw new SyntaxError(`plural forms: unexpected ${tokens[at]}`);
  return whole;
}

/** count => index of the plural form, from a catalog's plural expression. */
export function compilePlural(expr) {
  const rule = parser(tokenize(String(expr)));
  return (count) => Number(rule(Math.abs(Math.trunc(count))));
}
