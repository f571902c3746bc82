import { afterEach, describe, expect, it } from 'vitest';
import { maskToken } from '../../src/agent/token-hint.js';
import { AgentProcess } from '../helpers/agent-process.js';
import { tempDir, waitFor } from '../helpers/env.js';

const TOKEN = 'lxs_Ab3dEfGh1jKlMnOpQrStUvWxYz0123456789_-abc';

describe('the agent never shows its token', () => {
  it('masks a token to its first 8 characters', () => {
    expect(maskToken(TOKEN)).toBe('lxs_Ab3d…');
    expect(maskToken(TOKEN)).not.toContain(TOKEN.slice(8, 12));
  });

  it('shows nothing of a short token or an empty one', () => {
    expect(maskToken('lxs_short123')).toBe('…');
    expect(maskToken('')).toBe('(none)');
  });

  let agent: AgentProcess | undefined;
  afterEach(async () => {
    await agent?.stop();
  });

  it('starts with a banner naming the token masked, and nothing it logs holds the token', async () => {
    // Nothing listens on port 9: the agent starts from its (empty) saved schedule and keeps trying.
    agent = new AgentProcess(['--server', 'http://127.0.0.1:9', '--dir', tempDir('loaxa-agent-'), '--log-level', 'trace'], { LOAXA_TOKEN: TOKEN });
    const banner = await waitFor(() => agent!.find('agent started'), { what: 'the start banner', timeoutMs: 20_000 });
    expect(banner.tokenHint).toBe('lxs_Ab3d…');
    await waitFor(() => agent!.find(/^manifest: server unreachable/), { what: 'a failed poll', timeoutMs: 20_000 });
    await agent.stop();
    const everything = JSON.stringify(agent.logs) + agent.stderrTail;
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(TOKEN.slice(8));
  }, 30_000);
});
