/** A mistake in the command line: reported with a hint and exit code 2, without a stack. */
export class UsageError extends Error {
  override name = "UsageError";
  readonly hint: string;

  constructor(message: string, hint = 'Run "modelarts-annotations --help" for usage.') {
    super(message);
    this.hint = hint;
  }
}
