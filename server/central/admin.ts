// Administration and back office on the central database, one import for its callers: halls and
// enrollment, devices, applications (list, workflow transitions, edits) and configuration documents,
// each in its own module.
export { parse } from './parse';
export * from './adminHalls';
export * from './adminDevices';
export * from './adminApplications';
export * from './adminConfig';
