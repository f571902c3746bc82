export * from './types.js';
export * from './text.js';
export * from './rules.js';
