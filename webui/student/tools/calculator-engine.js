// The calculator's arithmetic: its own tokenizer and recursive-descent parser, never eval.
//
//   expression := sum
//   sum        := product (("+" | "-") product)*
//   product    := unary (("×" | "*" | "÷" | "/") unary | implicit-multiplied power)*
//   unary      := ("-" | "+") unary | power
//   power      := postfix ("^" unary)?            right-associative: 2^3^2 = 2^9
//   postfix    := atom ("%" | "!")*                50% = 0.5
//   atom       := number | "π" | "e" | "(" sum ")" | "√" unary | function "(" sum ")" | function unary
// Functions (scientific mode): sin cos tan asin acos atan (degrees or radians), ln log sqrt.
// A problem (a typo, division by zero, a result that is not a finite number) is a CalcError.

export class CalcError extends Error {
  constructor(reason) {
    super(reason);
    this.reason = reason;   // "syntax", "divide_by_zero", "domain"
  }
}

const FUNCTIONS = new Set(["sin", "cos", "tan", "asin", "acos", "atan", "ln", "log", "sqrt"]);
const TOKEN = /\s*(\d+(?:[.,]\d*)?|[.,]\d+|asin|acos|atan|sin|cos|tan|sqrt|ln|log|π|pi|e|[-+*/×÷−^()%√!])/y;

export function tokenize(text) {
  const tokens = [];
  TOKEN.lastIndex = 0;
  const source = String(text);
  while (TOKEN.lastIndex < source.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(source);
    if (!match) {
      if (/^\s*$/.test(source.slice(start))) break;
      throw new CalcError("syntax");
    }
    let token = match[1];
    if (token === "−") token = "-";
    if (token === "pi") token = "π";
    tokens.push(/^[\d.,]/.test(token) ? { number: Number(token.replace(",", ".")) } : token);
  }
  return tokens;
}

function factorial(n) {
  if (!Number.isInteger(n) || n < 0 || n > 170) throw new CalcError("domain");
  let result = 1;
  for (let i = 2; i <= n; i += 1) result *= i;
  return result;
}

function applyFunction(name, x, angle) {
  const toRad = angle === "deg" ? Math.PI / 180 : 1;
  const fromRad = angle === "deg" ? 180 / Math.PI : 1;
  switch (name) {
    case "sin": return roundTrig(Math.sin(x * toRad));
    case "cos": return roundTrig(Math.cos(x * toRad));
    case "tan": {
      if (angle === "deg" && Math.abs(x % 180) === 90) throw new CalcError("domain");
      return roundTrig(Math.tan(x * toRad));
    }
    case "asin": case "acos":
      if (x < -1 || x > 1) throw new CalcError("domain");
      return Math[name](x) * fromRad;
    case "atan": return Math.atan(x) * fromRad;
    case "ln": case "log":
      if (x <= 0) throw new CalcError("domain");
      return name === "ln" ? Math.log(x) : Math.log10(x);
    case "sqrt": return squareRoot(x);
    default: throw new CalcError("syntax");
  }
}

// sin 30° is 0.49999999999999994 in floating point; a candidate expects 0.5.
const roundTrig = (value) => Number(value.toPrecision(15));

function squareRoot(x) {
  if (x < 0) throw new CalcError("domain");
  return Math.sqrt(x);
}

/** The value of `text`; angle: "deg" or "rad"; scientific: functions allowed. */
export function evaluate(text, { angle = "deg", scientific = true } = {}) {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new CalcError("syntax");
  let at = 0;
  const peek = () => tokens[at];
  const take = () => tokens[at++];
  const expect = (wanted) => { if (take() !== wanted) throw new CalcError("syntax"); };
  const startsAtom = (token) => token !== undefined && (typeof token === "object" || token === "(" ||
    token === "π" || token === "e" || token === "√" || FUNCTIONS.has(token));

  function sum() {
    let value = product();
    while (peek() === "+" || peek() === "-") value = take() === "+" ? value + product() : value - product();
    return value;
  }
  function product() {
    let value = unary();
    for (;;) {
      const op = peek();
      if (op === "*" || op === "×") { take(); value *= unary(); }
      else if (op === "/" || op === "÷") {
        take();
        const divisor = unary();
        if (divisor === 0) throw new CalcError("divide_by_zero");
        value /= divisor;
      } else if (startsAtom(op)) value *= power();   // 2π, 3(4+1), 2√9
      else return value;
    }
  }
  function unary() {
    if (peek() === "-") { take(); return -unary(); }
    if (peek() === "+") { take(); return unary(); }
    return power();
  }
  function power() {
    const base = postfix();
    if (peek() !== "^") return base;
    if (!scientific) throw new CalcError("syntax");
    take();
    return base ** unary();
  }
  function postfix() {
    let value = atom();
    while (peek() === "%" || peek() === "!") {
      if (take() === "%") value /= 100;
      else if (scientific) value = factorial(value);
      else throw new CalcError("syntax");
    }
    return value;
  }
  function atom() {
    const token = take();
    if (token && typeof token === "object") {
      if (Number.isNaN(token.number)) throw new CalcError("syntax");
      return token.number;
    }
    if (token === "(") { const value = sum(); if (peek() === ")") take(); else if (peek() !== undefined) expect(")"); return value; }
    if (token === "√") return squareRoot(unary());
    if (!scientific) throw new CalcError("syntax");
    if (token === "π") return Math.PI;
    if (token === "e") return Math.E;
    if (FUNCTIONS.has(token)) return applyFunction(token, peek() === "(" ? atom() : unary(), angle);
    throw new CalcError("syntax");
  }

  const value = sum();
  if (at !== tokens.length) throw new CalcError("syntax");
  if (!Number.isFinite(value)) throw new CalcError("domain");
  return value;
}

/** A result as the display shows it: up to 12 significant digits, no "0.30000000000000004". */
export function formatResult(value) {
  const rounded = Number(value.toPrecision(12));
  return Object.is(rounded, -0) ? "0" : String(rounded);
}
