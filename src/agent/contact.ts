/**
 * What the agent knows about its link to the server: the last time anything answered (any HTTP status counts: the
 * link works), the last failure, and the station clock's offset from the server's `Date` header.
 */
export class Contact {
  lastContactAt: Date | null = null;
  lastFailureAt: Date | null = null;
  lastFailure: string | null = null;
  online: boolean | null = null;
  /** Server clock minus station clock, in seconds (the `Date` header has 1 s resolution). */
  clockOffsetSec: number | null = null;
  /** Station clock minus server clock, in milliseconds (as the heartbeat reports it; ±500 ms from the header). */
  clockOffsetMs: number | null = null;
  private listeners: (() => void)[] = [];

  /** Called when the link comes back after a failure. */
  onRestored(fn: () => void): void {
    this.listeners.push(fn);
  }

  answered(dateHeader: string | undefined, sentAt: number, receivedAt: number): void {
    const wasDown = this.online === false;
    this.online = true;
    this.lastContactAt = new Date(receivedAt);
    const serverMs = dateHeader ? Date.parse(dateHeader) : NaN;
    if (Number.isFinite(serverMs)) {
      // The header truncates to the second: the server's clock was, on average, half a second past it.
      const serverMinusStation = serverMs + 500 - (sentAt + receivedAt) / 2;
      this.clockOffsetSec = Math.round(serverMinusStation / 1000);
      this.clockOffsetMs = Math.round(-serverMinusStation);
    }
    if (wasDown) for (const fn of this.listeners) fn();
  }

  failed(message: string, at: number): void {
    this.online = false;
    this.lastFailureAt = new Date(at);
    this.lastFailure = message;
  }
}
