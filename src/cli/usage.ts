/** A mistake in the command line: reported with a hint and exit code 2, without a stack. */
export class UsageError extends Error {
  override name = "UsageError";
  readonly hint: string;

  constructor(message: string, hint = 'Run "modelarts-annotations --help" for usage.') {
    super(message);
    this.hint = hint;
  }
}

/** The user stopped the command (Ctrl+C at a prompt, where raw mode delivers no SIGINT). */
export class Interrupted extends Error {
  override name = "Interrupted";
  readonly signal: NodeJS.Signals;

  constructor(signal: NodeJS.Signals) {
    super(`interrupted (${signal})`);
    this.signal = signal;
  }
}
