/**
 * Label selectors: the `labelSelector=` query parameter and `kubectl -l`, parsed exactly as
 * k8s.io/apimachinery/pkg/labels/selector.go Parse does, with its error texts, its
 * canonical form (requirements sorted by key) and its matching rules.
 */
import { aggregateText, fieldErrorText, invalid } from "../meta/field-errors.js";
import { isQualifiedName } from "../meta/name-validation.js";
import { BadRequestError } from "../meta/status-errors.js";
import { compareByBytes } from "./byte-order.js";
import { tokenize, type Token, type TokenType } from "./label-lexer.js";
import {
  binaryOperators,
  requirementErrors,
  requirementMatches,
  requirementString,
  type LabelOperator,
  type LabelRequirement,
  type Labels,
} from "./label-requirement.js";

function byKey(reqs: readonly LabelRequirement[]): LabelRequirement[] {
  // Upstream's sort.Sort is an insertion sort below 13 elements, so requirements on the
  // same key keep their written order; a stable sort does that at every length.
  return [...reqs].sort((a, b) => compareByBytes(a.key, b.key));
}

/** A parsed label selector. An empty one matches everything; `nothing()` matches nothing. */
export class LabelSelector {
  private static readonly all = new LabelSelector([], false);
  private static readonly none = new LabelSelector([], true);

  private constructor(
    /** Sorted by key, as upstream keeps them. */
    readonly requirements: readonly LabelRequirement[],
    /** Upstream labels.Nothing(): what a nil metav1.LabelSelector converts to. */
    readonly selectsNothing: boolean,
  ) {}

  /** Upstream labels.Everything(). */
  static everything(): LabelSelector {
    return LabelSelector.all;
  }

  /** Upstream labels.Nothing(): prints as "" but matches no object. */
  static nothing(): LabelSelector {
    return LabelSelector.none;
  }

  /** A selector of the given (already valid) requirements. */
  static of(requirements: readonly LabelRequirement[]): LabelSelector {
    return requirements.length === 0 ? LabelSelector.all : new LabelSelector(byKey(requirements), false);
  }

  /** Upstream Selector.Add: a new selector with more requirements (Nothing stays Nothing). */
  add(...requirements: LabelRequirement[]): LabelSelector {
    if (this.selectsNothing) return this;
    return LabelSelector.of([...this.requirements, ...requirements]);
  }

  matches(labels: Labels | null | undefined): boolean {
    if (this.selectsNothing) return false;
    return this.requirements.every((r) => requirementMatches(r, labels));
  }

  /** True when the selector restricts nothing (upstream Empty; false for Nothing). */
  empty(): boolean {
    return !this.selectsNothing && this.requirements.length === 0;
  }

  /** The canonical form, e.g. `app=web,tier in (a,b)`; "" for both Everything and Nothing. */
  toString(): string {
    return this.requirements.map(requirementString).join(",");
  }

  /**
   * The value a label must have if the first requirement on `key` pins it to exactly one
   * (`=`, `==`, or `in` with one value), as upstream RequiresExactMatch.
   */
  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((req) => req.key === key);
    if (r === undefined) return undefined;
    const pins = r.operator === "=" || r.operator === "==" || r.operator === "in";
    return pins && r.values.length === 1 ? r.values[0] : undefined;
  }
}

class ParseError extends Error {}

const binaryOperatorTokens: Partial<Record<TokenType, LabelOperator>> = {
  in: "in", equals: "=", doubleEquals: "==", greaterThan: "gt", lessThan: "lt", notIn: "notin", notEquals: "!=",
};

/** Upstream's recursive-descent parser over the token list; one instance per input. */
class Parser {
  private position = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  // In value position the words `in` and `notin` are plain identifiers: `x in (in)`.
  private asValue(t: Token): Token {
    return t.type === "in" || t.type === "notIn" ? { type: "identifier", literal: t.literal } : t;
  }

  private lookahead(valueContext = true): Token {
    const t = this.tokens[this.position]!;
    return valueContext ? this.asValue(t) : t;
  }

  private consume(valueContext = true): Token {
    const t = this.lookahead(valueContext);
    // The end token is never consumed past: the parser stops on it.
    if (this.position < this.tokens.length - 1) this.position++;
    return t;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const t = this.lookahead();
      if (t.type === "end") return requirements;
      if (t.type !== "identifier" && t.type !== "doesNotExist") {
        throw new ParseError(`found '${t.literal}', expected: !, identifier, or 'end of string'`);
      }
      try {
        requirements.push(this.parseRequirement());
      } catch (e) {
        if (e instanceof ParseError) throw new ParseError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const next = this.consume();
      if (next.type === "end") return requirements;
      if (next.type !== "comma") throw new ParseError(`found '${next.literal}', expected: ',' or 'end of string'`);
      const after = this.lookahead();
      if (after.type !== "identifier" && after.type !== "doesNotExist") {
        throw new ParseError(`found '${after.literal}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const { key, operator: inferred } = this.parseKeyAndInferOperator();
    if (inferred !== undefined) return validated(key, inferred, []);
    const operator = this.parseOperator();
    const values = operator === "in" || operator === "notin" ? this.parseValues() : this.parseExactValue();
    // Upstream collects values in a set and hands over its sorted list.
    const list = [...new Set(values)].sort(compareByBytes);
    return validated(key, operator, list);
  }

  /** `key` alone means exists, `!key` does-not-exist; otherwise an operator follows. */
  private parseKeyAndInferOperator(): { key: string; operator: LabelOperator | undefined } {
    let t = this.consume();
    let operator: LabelOperator | undefined;
    if (t.type === "doesNotExist") {
      operator = "!";
      t = this.consume();
    }
    if (t.type !== "identifier") throw new ParseError(`found '${t.literal}', expected: identifier`);
    // The key is checked before the rest is parsed; upstream reports it at a nil field path.
    const keyErrors = isQualifiedName(t.literal);
    if (keyErrors.length > 0) throw new ParseError(fieldErrorText(invalid("<nil>", t.literal, keyErrors.join("; "))));
    const next = this.lookahead().type;
    if ((next === "end" || next === "comma") && operator === undefined) operator = "exists";
    return { key: t.literal, operator };
  }

  private parseOperator(): LabelOperator {
    const t = this.consume(false);
    const op = binaryOperatorTokens[t.type];
    if (op === undefined) throw new ParseError(`found '${t.literal}', expected: ${binaryOperators.join(", ")}`);
    return op;
  }

  /** `(a,b,c)`; empty entries (`(a,,b)`, `()`) stand for the empty value. */
  private parseValues(): string[] {
    const open = this.consume();
    if (open.type !== "openPar") throw new ParseError(`found '${open.literal}' expected: '('`);
    const first = this.lookahead();
    if (first.type === "closePar") {
      this.consume();
      return [""];
    }
    if (first.type !== "identifier" && first.type !== "comma") {
      throw new ParseError(`found '${first.literal}', expected: ',', ')' or identifier`);
    }
    const values = this.parseIdentifiersList();
    // parseIdentifiersList only returns in front of ')'; upstream still checks, quoting the first token.
    if (this.consume().type !== "closePar") throw new ParseError(`found '${first.literal}', expected: ')'`);
    return values;
  }

  private parseIdentifiersList(): string[] {
    const values: string[] = [];
    for (;;) {
      const t = this.consume();
      if (t.type === "identifier") {
        values.push(t.literal);
        const next = this.lookahead();
        if (next.type === "comma") continue;
        if (next.type === "closePar") return values;
        throw new ParseError(`found '${next.literal}', expected: ',' or ')'`);
      }
      if (t.type !== "comma") throw new ParseError(`found '${t.literal}', expected: ',', or identifier`);
      if (values.length === 0) values.push(""); // "(,"
      const next = this.lookahead();
      if (next.type === "closePar") {
        values.push(""); // ",)"
        return values;
      }
      if (next.type === "comma") {
        this.consume();
        values.push(""); // ",,"
      }
    }
  }

  /** The single value after `=`, `==`, `!=`, `>` or `<`; nothing before `,` or the end means "". */
  private parseExactValue(): string[] {
    const next = this.lookahead();
    if (next.type === "end" || next.type === "comma") return [""];
    const t = this.consume();
    if (t.type !== "identifier") throw new ParseError(`found '${t.literal}', expected: identifier`);
    return [t.literal];
  }
}

function validated(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const errs = requirementErrors(key, operator, values);
  if (errs.length > 0) throw new ParseError(aggregateText(errs));
  return { key, operator, values };
}

/**
 * Parses the string form of a label selector (upstream labels.Parse). A malformed selector
 * throws BadRequestError whose message is upstream's error text, which the API server
 * returns as is (handlers/get.go wraps it in NewBadRequest).
 */
export function parseLabelSelector(text: string): LabelSelector {
  try {
    return LabelSelector.of(new Parser(tokenize(text)).parse());
  } catch (e) {
    if (e instanceof ParseError) throw new BadRequestError(e.message);
    throw e;
  }
}

/**
 * A selector matching exactly these labels (upstream SelectorFromSet). Like upstream it
 * does not validate: a server would reject invalid keys or values later.
 */
export function selectorFromSet(set: Labels | null | undefined): LabelSelector {
  if (set === null || set === undefined) return LabelSelector.everything();
  return LabelSelector.of(Object.entries(set).map(([key, value]) => ({ key, operator: "=", values: [value] })));
}
