/**
 * Why this process must not start (or a command must not run), written for the person starting it: main and the
 * CLI print both messages without a stack trace and exit with `exitCode`.
 */
export class StartupRefusal extends Error {
  override name = 'StartupRefusal';
  constructor(
    readonly code: string,
    message: string,
    readonly messageVi: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }

  /** The text to print: Vietnamese first, then English. */
  describe(): string {
    return `${this.messageVi}\n${this.message}`;
  }
}
