import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentConfigError, parseAgentConfig, parseArgv } from '../../src/agent/config.js';
import { playerArgv, splitCommand } from '../../src/agent/command.js';

const base = ['--server', 'https://loaxa.example.vn/', '--token', 'lxs_abc', '--dir', 'data'];
const cfg = (argv: string[], env: Record<string, string> = {}, readFile?: (f: string) => string) => {
  const r = parseAgentConfig(argv, env, readFile);
  if (r.help) throw new Error('help');
  return r.config;
};

describe('agent configuration', () => {
  it('reads options, with defaults for the rest', () => {
    const c = cfg(base);
    expect(c.server).toBe('https://loaxa.example.vn');
    expect(c.token).toBe('lxs_abc');
    expect(c.dir).toBe(path.resolve('data'));
    expect(c.player).toBeNull();
    expect(c.pollSec).toBe(60);
    expect(c.cacheMaxBytes).toBe(2048 * 1024 * 1024);
    expect(c.reportBatch).toBe(500);
    expect(c.pollSecLive).toBe(300);
    expect(c.heartbeatSec).toBe(60);
  });

  it('polls rarely while the live channel is up: its own option, else five poll intervals', () => {
    expect(cfg([...base, '--poll-sec-live', '900']).pollSecLive).toBe(900);
    expect(cfg([...base, '--poll-sec', '2']).pollSecLive).toBe(10);
    expect(cfg(base, { LOAXA_POLL_SEC_LIVE: '120', LOAXA_HEARTBEAT_SEC: '30' })).toMatchObject({ pollSecLive: 120, heartbeatSec: 30 });
    expect(() => cfg([...base, '--heartbeat-sec', '0'])).toThrow(/--heartbeat-sec/);
  });

  it('takes the environment when an option is absent, and options over the environment', () => {
    const env = { LOAXA_SERVER: 'http://10.0.0.2:8080', LOAXA_TOKEN: 'lxs_env', LOAXA_DIR: '/var/lib/loaxa', LOAXA_POLL_SEC: '15', LOAXA_PLAYER: 'mpg123 -q {file}' };
    const c = cfg([], env);
    expect(c).toMatchObject({ server: 'http://10.0.0.2:8080', token: 'lxs_env', dir: '/var/lib/loaxa', pollSec: 15, player: 'mpg123 -q {file}' });
    expect(cfg(['--poll-sec=5'], env).pollSec).toBe(5);
  });

  it('reads the token from a file (argv is visible to every user in ps)', () => {
    const c = cfg(['--server', 'http://x', '--dir', 'd', '--token-file', '/run/secrets/t'], {}, (f) => (f === '/run/secrets/t' ? 'lxs_file\n' : ''));
    expect(c.token).toBe('lxs_file');
  });

  it('names every problem at once', () => {
    let err: unknown;
    try {
      parseAgentConfig(['--server', 'ftp://x', '--poll-sec', '-1', '--player', 'mpg123', '--cache-max-mb', 'lots'], {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AgentConfigError);
    const msg = (err as Error).message;
    for (const part of ['--server', '--token', '--dir', '--poll-sec', '--player', '--cache-max-mb']) expect(msg).toContain(part);
  });

  it('refuses unknown options and options without values', () => {
    expect(() => parseArgv(['--sever', 'x'])).toThrow(/unknown option --sever/);
    expect(() => parseArgv(['--server'])).toThrow(/needs a value/);
    expect(() => parseArgv(['--server', '--token', 'x'])).toThrow(/needs a value/);
    expect(parseAgentConfig(['--help'], {})).toEqual({ help: true });
  });
});

describe('player command', () => {
  it('splits like a shell, without running one', () => {
    expect(splitCommand('mpg123 -q {file}')).toEqual(['mpg123', '-q', '{file}']);
    expect(splitCommand(`sh -c 'aplay "$0"' {file}`)).toEqual(['sh', '-c', 'aplay "$0"', '{file}']);
    expect(splitCommand('"/opt/my player/play" --gain "3 dB" a\\ b')).toEqual(['/opt/my player/play', '--gain', '3 dB', 'a b']);
    expect(splitCommand(`x ''`)).toEqual(['x', '']);
    expect(() => splitCommand('x "open')).toThrow(/unclosed/);
    expect(() => splitCommand('   ')).toThrow(/empty/);
  });

  it('puts the file path in its own argument, spaces and shell characters included', () => {
    expect(playerArgv('ffplay -nodisp -autoexit {file}', '/data/media/a b;rm -rf.mp3')).toEqual(['ffplay', '-nodisp', '-autoexit', '/data/media/a b;rm -rf.mp3']);
    expect(playerArgv('player --in={file}', '/m/x.mp3')).toEqual(['player', '--in=/m/x.mp3']);
  });
});
