export { normaliseForSpeech, DEFAULT_ABBREVIATIONS, type NormaliseOptions } from './normalise.js';
export { speechChunks, PAUSE_MS, MAX_CHUNK_CHARS, type SpeechChunk } from './chunks.js';
export { readInteger, readDecimal, readDigits, readNumberToken } from './numbers.js';
