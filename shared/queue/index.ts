// The hall queue's shared rules, events, commands, statistics and HTTP/SSE protocol.
export * from './config';
export * from './events';
export * from './state';
export * from './stats';
export * from './commands';
export * from './protocol';
export * from './display';
export * from './announce';
