/**
 * Enough of a device token for a person to tell which one is installed (its first 8 characters: the lxs_ prefix and
 * 4 more), never enough to use it: logs and banners end up in support chats and screenshots.
 */
export function maskToken(token: string): string {
  const chars = [...token];
  if (chars.length === 0) return '(none)';
  // A short token would be given away almost whole; show nothing of it.
  if (chars.length <= 16) return '…';
  return `${chars.slice(0, 8).join('')}…`;
}
