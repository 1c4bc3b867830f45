import { INSPECT } from "../platform/node.js";

const REDACTED = "[REDACTED]";

/**
 * Holds a secret (SK, token, security token) so that it cannot leak by accident:
 * `JSON.stringify`, `util.inspect`, template strings and `console.log` all show
 * "[REDACTED]". Only `reveal()` gives the value, and only the signer and the
 * header middleware call it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [INSPECT](): string {
    return REDACTED;
  }

  static from(value: string | Secret): Secret {
    return value instanceof Secret ? value : new Secret(value);
  }
}

/** Plain string, whichever form a secret came in. */
export function revealSecret(value: string | Secret): string {
  return value instanceof Secret ? value.reveal() : value;
}
