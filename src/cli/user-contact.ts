import type { PostalAddress } from '../identity/types.js';
import { ArgsError, type ParsedArgs } from './args.js';

/**
 * The options of `sesame user add|update` that set the claims of scopes `phone` and `address`
 * (OpenID Connect Core §5.1, §5.1.1).
 */
export const CONTACT_OPTIONS = {
  phone: 'string',
  'address-formatted': 'string',
  'address-street': 'string',
  'address-locality': 'string',
  'address-region': 'string',
  'address-postal-code': 'string',
  'address-country': 'string',
} as const;

/** How the contact options read in a usage text. */
export const CONTACT_USAGE = `Phone and address (scopes phone and address):
  --phone P                phone_number, E.164 recommended: "+49 30 1234567"
  --address-formatted F    the whole address as shown to people; may hold newlines
  --address-street S       street_address; may hold newlines
  --address-locality L     --address-region R
  --address-postal-code C  --address-country C
`;

/** The `address` claim member each address option sets. */
const ADDRESS_MEMBER_OF = {
  'address-formatted': 'formatted',
  'address-street': 'street_address',
  'address-locality': 'locality',
  'address-region': 'region',
  'address-postal-code': 'postal_code',
  'address-country': 'country',
} as const satisfies Record<Exclude<keyof typeof CONTACT_OPTIONS, 'phone'>, keyof PostalAddress>;

/** Members that may span lines (OpenID Connect Core §5.1.1). */
const MULTILINE: ReadonlySet<string> = new Set(['address-formatted', 'address-street']);

const MAX_PHONE_LENGTH = 64;
const MAX_ADDRESS_MEMBER_LENGTH = 512;

/** What the contact options set; a key is absent when its options were not given. */
export interface ContactChanges {
  readonly phoneNumber?: string;
  /** The whole address: the members given, no others. */
  readonly address?: PostalAddress;
}

/**
 * Reads the contact options. Values are trimmed; a line break is allowed only in
 * `--address-formatted` and `--address-street` (CRLF becomes LF), any other control character
 * nowhere.
 *
 * @throws ArgsError when a value is empty, too long or holds a character it may not.
 */
export function readContactOptions(options: ParsedArgs<typeof CONTACT_OPTIONS>['options']): ContactChanges {
  const phoneNumber =
    options.phone === undefined ? undefined : checkValue('phone', options.phone, MAX_PHONE_LENGTH);
  const address: Record<string, string> = {};
  for (const [option, member] of Object.entries(ADDRESS_MEMBER_OF)) {
    const given = options[option as keyof typeof ADDRESS_MEMBER_OF];
    if (given !== undefined) address[member] = checkValue(option, given, MAX_ADDRESS_MEMBER_LENGTH);
  }
  return {
    ...(phoneNumber === undefined ? {} : { phoneNumber }),
    ...(Object.keys(address).length === 0 ? {} : { address }),
  };
}

function checkValue(option: string, given: string, maxLength: number): string {
  const value = given.replace(/\r\n/g, '\n').trim();
  if (value === '') throw new ArgsError(`option --${option} needs a value`);
  if ([...value].length > maxLength) {
    throw new ArgsError(`option --${option} is longer than ${maxLength} characters`);
  }
  const multiline = MULTILINE.has(option);
  // eslint-disable-next-line no-control-regex
  const forbidden = multiline ? /[\x00-\x09\x0b-\x1f\x7f]/ : /[\x00-\x1f\x7f]/;
  if (forbidden.test(value)) {
    throw new ArgsError(
      multiline
        ? `option --${option} holds a control character other than a line break`
        : `option --${option} holds a line break or another control character`,
    );
  }
  return value;
}
