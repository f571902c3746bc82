/**
 * What the CLI tells a person when it stops: Vietnamese first, English second, never a stack trace.
 * Exit codes: 2 for input to correct, 3 for a refusal of the set-up (the data directory in use), 4 for the service
 * refusing or not answering.
 */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly messageVi: string,
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

export const usageError = (messageVi: string, message: string) => new CliError(messageVi, message, 2);

/** Both languages, each on its line. */
export function describe(err: { messageVi: string; message: string }): string {
  return `Lỗi: ${err.messageVi}\nError: ${err.message}`;
}
