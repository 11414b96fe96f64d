/**
 * The tokenizer of the label selector syntax, as the Lexer in
 * k8s.io/apimachinery/pkg/labels/selector.go scans it.
 *
 * Upstream reads bytes and treats a NUL byte like the end of the input: inside a word or an
 * operator it ends the token (and is consumed), and where a token would start it ends the
 * whole selector, so anything after it is ignored. That is reproduced, since it decides
 * which inputs parse. Every other special character is ASCII, so scanning UTF-16 code
 * units finds the same tokens as scanning UTF-8 bytes.
 */

export type TokenType =
  | "end"
  | "closePar"
  | "comma"
  | "doesNotExist"
  | "doubleEquals"
  | "equals"
  | "greaterThan"
  | "identifier"
  | "in"
  | "lessThan"
  | "notEquals"
  | "notIn"
  | "openPar";

export interface Token {
  readonly type: TokenType;
  /** The text scanned; empty for the end of input. */
  readonly literal: string;
}

const keywords: Readonly<Record<string, TokenType>> = {
  ")": "closePar",
  ",": "comma",
  "!": "doesNotExist",
  "==": "doubleEquals",
  "=": "equals",
  ">": "greaterThan",
  in: "in",
  "<": "lessThan",
  "!=": "notEquals",
  notin: "notIn",
  "(": "openPar",
};

function keyword(text: string): TokenType | undefined {
  return Object.hasOwn(keywords, text) ? keywords[text] : undefined;
}

const isWhitespace = (c: string): boolean => c === " " || c === "\t" || c === "\r" || c === "\n";
const isSpecial = (c: string): boolean =>
  c === "=" || c === "!" || c === "(" || c === ")" || c === "," || c === ">" || c === "<";

/** Splits a selector into tokens; the last token is always `end`. */
export function tokenize(input: string): Token[] {
  let pos = 0;
  // Upstream read(): NUL at the end of input (without advancing), else the next character.
  const read = (): string => (pos < input.length ? input[pos++]! : "\0");
  const unread = (): void => {
    pos--;
  };

  const scanWord = (): Token => {
    let text = "";
    for (;;) {
      const c = read();
      if (c === "\0") break;
      if (isSpecial(c) || isWhitespace(c)) {
        unread();
        break;
      }
      text += c;
    }
    return { type: keyword(text) ?? "identifier", literal: text };
  };

  // The longest run of special characters that still spells an operator: "!=" but "=" then "(".
  const scanSymbol = (): Token => {
    let text = "";
    let last: Token | undefined;
    for (;;) {
      const c = read();
      if (c === "\0") break;
      if (!isSpecial(c)) {
        unread();
        break;
      }
      text += c;
      const type = keyword(text);
      if (type !== undefined) {
        last = { type, literal: text };
      } else if (last !== undefined) {
        unread();
        break;
      }
    }
    // Every single special character is itself an operator, so `last` is always set here.
    return last!;
  };

  const tokens: Token[] = [];
  for (;;) {
    let c = read();
    while (isWhitespace(c)) c = read();
    if (c === "\0") {
      tokens.push({ type: "end", literal: "" });
      return tokens;
    }
    unread();
    tokens.push(isSpecial(c) ? scanSymbol() : scanWord());
  }
}
