/** Declarative bootstrap: load a YAML/JSON config and apply it to the RAM directory (create-or-update). */
export { loadConfigFile, parseConfig, MAX_CONFIG_CHARS, type LoadedConfig } from './load.js';
export { applyConfig, type ApplyOptions, type ApplyResult } from './apply.js';
export { configSchema, BUILTIN_METADATA, type RamgateConfig, type AccountConfig } from './schema.js';
export { samlTrustPolicy, ALIBABA_ROLE_ACS } from './trust.js';
export { checkConfig, type CheckOptions } from './check.js';
export { explainFileError, type ConfigProblem } from './problems.js';
