import { ApiError } from '../errors.js';

/** Where in a policy document something is: `Statement[0].Condition.StringEquals["acs:SourceVpc"]`. */
export type Where = string;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const MAX_ECHO = 80;

/** A name from the document, JSON-quoted and cut to a readable length for error messages. */
export function quoted(text: string): string {
  return JSON.stringify(text.length > MAX_ECHO ? `${text.slice(0, MAX_ECHO)}…` : text);
}

export function member(where: Where, key: string): Where {
  const step = IDENTIFIER.test(key) && key.length <= MAX_ECHO ? `.${key}` : `[${quoted(key)}]`;
  return where === '' ? step.replace(/^\./, '') : `${where}${step}`;
}

export function element(where: Where, index: number): Where {
  return `${where}[${index}]`;
}

/** `InvalidParameter.PolicyGrammar` whose message starts with the location of the fault. */
export function grammarError(where: Where, what: string): ApiError {
  return new ApiError('InvalidParameter.PolicyGrammar', where === '' ? what : `${where}: ${what}`);
}

// Matching control characters is the point of this pattern.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text);
}
