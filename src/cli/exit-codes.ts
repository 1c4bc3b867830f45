/** The exit codes `modelarts-annotations` documents in its --help and the README. */
export const EXIT = {
  OK: 0,
  /** The service answered with an error, or a sync ended in failure. */
  SERVICE: 1,
  /** Bad arguments, bad configuration, a value the spec does not allow: nothing was sent. */
  USAGE: 2,
  /** No answer: connection refused or reset, DNS, TLS, a request or --wait timeout. */
  NETWORK: 3,
  /** Ctrl+C (SIGINT) stopped a command that was waiting or listing. */
  INTERRUPTED: 130,
  /** The reader of stdout or stderr went away (`... | head`): what a SIGPIPE death gives other tools. */
  PIPE_CLOSED: 141,
  /** SIGTERM stopped a command that was waiting or listing. */
  TERMINATED: 143,
  /** Anything else: the emulator could not start, a file could not be written, a bug. */
  INTERNAL: 70,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    the service said no (an error answer, or a sync that ended in failure)
  2    usage or validation error: bad option, bad value, bad configuration; nothing was sent
  3    network error or timeout: no answer, or --wait ran out of time
  70   any other failure (the emulator could not start, an unexpected error)
  130  interrupted by Ctrl+C (143: by SIGTERM)
  141  the reader of stdout or stderr closed the pipe (e.g. | head)`;
