// The shared domain in one import: model schemas, catalogue, validators, calendar, workflow,
// numbers, masking, review, settings and feedback rules. Pure code for every side.
export * from './model';
export * from './catalogue';
export * from './validators';
export * from './calendar';
export * from './workflow';
export * from './appNumber';
export * from './mask';
export * from './review';
export * from './settings';
export * from './feedback';
export * from './normalize';
export * from './receiptFacts';
export * from './hallTime';
