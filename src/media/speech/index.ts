import type { Config } from '../../../config/index.js';
import type { Logger } from '../../logger.js';
import { onPath } from '../binaries.js';
import { chooseEngine, chunkedEngine, type SpeechEngine } from './engine.js';
import { espeakCliBackend } from './espeak-cli.js';
import { espeakWasmBackend } from './espeak-wasm.js';

export { SpeechError, type SpeechChunk, type SpeechEngine, type SpeechOptions } from './engine.js';

/**
 * One run (about BATCH_CHARS of text) takes well under a second on the binary and a few seconds at most on
 * WebAssembly, module compile included, even on a loaded machine; past this the engine is stuck.
 */
const RUN_TIMEOUT_MS = 30_000;

/** The engine the configuration asks for (TTS_ENGINE, TTS_ESPEAK_PATH). */
export function createSpeechEngine(tts: Config['tts'], logger: Logger): SpeechEngine {
  const systemBinary = tts.espeakPath ?? onPath('espeak-ng');
  const kind = chooseEngine(tts.engine, systemBinary);
  const backend =
    kind === 'espeak-ng'
      ? espeakCliBackend({ binary: systemBinary!, timeoutMs: RUN_TIMEOUT_MS })
      : espeakWasmBackend({ timeoutMs: RUN_TIMEOUT_MS, logger });
  logger.info({ engine: backend.name, binary: kind === 'espeak-ng' ? systemBinary : undefined }, 'speech engine');
  return chunkedEngine(backend, { logger });
}
