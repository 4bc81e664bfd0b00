export { createLdapBackend, type LdapBackend } from './ldap-backend.js';
export { escapeFilterValue } from './filter.js';
export { encodeRawSubject, decodeRawSubject } from './raw-subject.js';
