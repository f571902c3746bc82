/**
 * How repeated failed sign-ins back off: a few per account (from any address) and more per address (over any
 * accounts: one commune office shares one address) within a window; past that, sign-in waits out the window.
 */
export const SIGN_IN_LIMITS = {
  perAccount: { failures: 5, windowSec: 15 * 60 },
  perAddress: { failures: 20, windowSec: 15 * 60 },
} as const;

/** "15 phút", "40 giây": the wait a person is told, rounded up so it is never too short. */
export function waitText(ms: number): { vi: string; en: string } {
  const sec = Math.max(1, Math.ceil(ms / 1000));
  if (sec < 60) return { vi: `${sec} giây`, en: `${sec} second${sec === 1 ? '' : 's'}` };
  const min = Math.ceil(sec / 60);
  return { vi: `${min} phút`, en: `${min} minute${min === 1 ? '' : 's'}` };
}

/** The key a login is counted under: the same person typing "Lan.Nguyen" or " lan.nguyen" is one account. */
export const accountKey = (login: string): string => login.trim().toLowerCase();
