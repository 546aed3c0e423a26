// Wire protocol of the central endpoint (API v1): paths, limits, error codes, message schemas,
// checkpoints and the conflict policy. Pure TypeScript, shared by server, desk and tests.
export * from './paths';
export * from './limits';
export * from './safe';
export * from './errors';
export * from './messages';
export * from './checkpoint';
export * from './conflict';
