/** Rebroadcast tracking and compliance: pure rules, no I/O. See issue 4 and DESIGN.md. */
export * from './defaults.js';
export * from './types.js';
export * from './play-schema.js';
export * from './classify.js';
export * from './classify-batch.js';
export * from './match.js';
export * from './play-kind.js';
export * from './annotate.js';
export * from './airing-status.js';
export * from './period.js';
export * from './local-time.js';
export * from './counting-rules.js';
export * from './tally.js';
export * from './compliance.js';
export * from './group.js';
export * from './headings.js';
export * from './missed-report.js';
