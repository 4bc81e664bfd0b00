/** The kind of value a long option takes: a string (`--x value`, `--x=value`) or none (a flag). */
export type OptionKind = 'string' | 'boolean';

/** The long options a command accepts, by name without the leading `--`. */
export type OptionSpec = Readonly<Record<string, OptionKind>>;

export interface ParsedArgs<S extends OptionSpec> {
  /** Only options that were given; a flag that was given is `true`. */
  readonly options: { readonly [K in keyof S]?: S[K] extends 'string' ? string : boolean };
  readonly positionals: readonly string[];
}

/** A command line that does not fit the command's options; `message` is fit to show a user. */
export class ArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArgsError';
  }
}

/**
 * Parses long options and positionals. Accepted: `--name value`, `--name=value`, `--flag`,
 * and `--` to end the options. Refused with `ArgsError`: unknown options, short options, an
 * option given twice, a string option without a value, and a value given to a flag.
 */
export function parseArgs<const S extends OptionSpec>(argv: readonly string[], spec: S): ParsedArgs<S> {
  const options: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw new ArgsError(`unknown option ${arg}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const kind = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (kind === undefined) throw new ArgsError(`unknown option --${name}`);
    if (Object.hasOwn(options, name)) throw new ArgsError(`option --${name} given more than once`);
    if (kind === 'boolean') {
      if (eq !== -1) throw new ArgsError(`option --${name} takes no value`);
      options[name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) value = undefined;
      else i++;
    }
    if (value === undefined) throw new ArgsError(`option --${name} needs a value`);
    options[name] = value;
  }
  return { options: options as ParsedArgs<S>['options'], positionals };
}
