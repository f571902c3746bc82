export * from './airtime/index.js';
export * from './manifest/index.js';
