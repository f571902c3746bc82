/** Devices (a station's loudspeaker clusters): the online rule, presence, health views, fleet. Pure, no I/O. */
export * from './online.js';
export * from './presence.js';
export * from './health.js';
export * from './heartbeat-schema.js';
export * from './names.js';
export * from './fleet.js';
export * from './outcomes.js';
