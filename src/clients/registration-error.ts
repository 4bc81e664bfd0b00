/**
 * A registration file that cannot be used at all: unreadable, not YAML, or without a usable
 * `clients:` list. Each message reads `file:line:col: text` (or `file: text` when there is no
 * position). At start this stops Sesame; on reload the last good clients stay in force.
 */
export class RegistrationFileError extends Error {
  readonly messages: readonly string[];

  constructor(messages: readonly string[]) {
    super(messages.join('\n'));
    this.name = 'RegistrationFileError';
    this.messages = messages;
  }
}

/** Thrown inside the parser for one entry; the entry is skipped, the rest continue. */
export class EntryRejected extends Error {
  /** Offset in the file the problem points at. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super(message);
    this.name = 'EntryRejected';
    this.offset = offset;
  }
}
