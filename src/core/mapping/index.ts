export * from './engine.js';
export * from './pattern.js';
export * from './rules.js';
export * from './session-name.js';
export * from './user.js';
export * from './mfa.js';
