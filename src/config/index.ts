export type * from './types.js';
export { CONFIG_KEYS, envName, formatDefaults, type ConfigKey, type ConfigKeyKind } from './defaults.js';
export { ConfigError } from './errors.js';
export { loadConfig, loadConfigFromProcess, type LoadConfigOptions, type LoadedConfig } from './load.js';
export { configSchema, isLoopbackHost } from './schema.js';
