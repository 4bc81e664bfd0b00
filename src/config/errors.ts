/**
 * The configuration could not be used. `problems` lists every problem found, each as
 * `file:line:column: key: message` or `env SESAME_X: message`; the message joins them.
 */
export class ConfigError extends Error {
  /** Stable code callers can switch on. */
  readonly code = 'CONFIG_INVALID';
  readonly problems: string[];

  constructor(problems: readonly string[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`invalid configuration (${count}):\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = [...problems];
  }
}
