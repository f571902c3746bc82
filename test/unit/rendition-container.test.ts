import { describe, expect, it } from 'vitest';
import { CONTAINER_SLACK_SEC, containerMismatch } from '../../src/domain/audio/rendition.js';

describe('a rendition container read back against what the encode produced', () => {
  const produced = { codec: 'opus', durationSec: 60 };

  it('agrees within the slack containers round and pad by', () => {
    expect(containerMismatch(produced, { codec: 'opus', durationSec: 60 + CONTAINER_SLACK_SEC })).toBeNull();
    expect(containerMismatch(produced, { codec: 'opus', durationSec: 60 - 0.02 })).toBeNull();
  });

  it('refuses a length players would show wrongly, either way', () => {
    expect(containerMismatch(produced, { codec: 'opus', durationSec: 63.2 })).toMatch(/63\.2 s.*60 s/);
    expect(containerMismatch(produced, { codec: 'opus', durationSec: 21.3 })).toMatch(/21\.3 s/);
  });

  it('refuses another codec, an unknown one, and a container with no length', () => {
    expect(containerMismatch(produced, { codec: 'mp3', durationSec: 60 })).toMatch(/holds mp3/);
    expect(containerMismatch(produced, { codec: null, durationSec: 60 })).toMatch(/no known codec/);
    expect(containerMismatch(produced, { codec: 'opus', durationSec: null })).toMatch(/no length/);
  });
});
