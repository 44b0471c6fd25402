// @smoe/validate — the public surface: the config checks every smoe package is built with,
// the two wordings of their errors, and the printable form of a value.
export { createChecks, orDefault, type Checks, type Issue } from './checks.js';
export { allowedWording, expectedWording, interval, type OpenBounds, type Wording } from './wording.js';
export { describeValue, type Quote } from './describe.js';
