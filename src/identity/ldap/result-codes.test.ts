import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AdminLimitExceededError,
  BusyError,
  ConfidentialityRequiredError,
  InappropriateAuthError,
  InsufficientAccessError,
  InvalidCredentialsError,
  InvalidDNSyntaxError,
  NoSuchObjectError,
  OperationsError,
  ProtocolError,
  SizeLimitExceededError,
  StrongAuthRequiredError,
  TimeLimitExceededError,
  UnavailableError,
  UnwillingToPerformError,
} from 'ldapts';
import { describeResultCode, isDirectoryUnavailable, serviceBindTrouble } from './result-codes.js';

const CANNOT_SERVE = [
  new TimeLimitExceededError(),
  new SizeLimitExceededError(),
  new AdminLimitExceededError(),
  new BusyError(),
  new UnavailableError(),
  new UnwillingToPerformError(),
];

describe('LDAP result codes', () => {
  it('counts busy, unavailable, unwilling and exceeded limits as a directory that cannot serve', () => {
    for (const error of CANNOT_SERVE) assert.equal(isDirectoryUnavailable(error), true, error.name);
  });

  it('counts other answers, and failures that are not answers, as something else', () => {
    const others = [
      new InvalidCredentialsError(),
      new NoSuchObjectError(),
      new InsufficientAccessError(),
      new OperationsError(),
      new Error('connect ECONNREFUSED 127.0.0.1:389'),
      null,
    ];
    for (const error of others) assert.equal(isDirectoryUnavailable(error), false, String(error));
  });

  it('asks the operator to check the service credentials only when the bind says they are wrong', () => {
    const rejected = [
      new InvalidCredentialsError(),
      new InappropriateAuthError(),
      new InsufficientAccessError(),
      new NoSuchObjectError(),
      new InvalidDNSyntaxError(),
    ];
    for (const error of rejected) {
      assert.equal(serviceBindTrouble(error, 'secret'), 'service-bind-rejected', error.name);
    }
    for (const error of CANNOT_SERVE)
      assert.equal(serviceBindTrouble(error, 'secret'), 'unavailable', error.name);
    const refused = [new ConfidentialityRequiredError(), new StrongAuthRequiredError(), new ProtocolError()];
    for (const error of refused) {
      assert.equal(serviceBindTrouble(error, 'secret'), 'service-bind-refused', error.name);
    }
  });

  it('blames a missing LDAP_BINDPW, not a busy server, when a bind without a password is unwilling', () => {
    // OpenLDAP: "unauthenticated bind (DN with no password) disallowed", result 53.
    const unwilling = new UnwillingToPerformError('unauthenticated bind (DN with no password) disallowed');
    assert.equal(serviceBindTrouble(unwilling, ''), 'service-bind-rejected');
    assert.equal(serviceBindTrouble(unwilling, null), 'service-bind-rejected');
    assert.equal(serviceBindTrouble(new BusyError(), ''), 'unavailable');
  });
});

describe('describeResultCode', () => {
  it('names the code when the server sent no diagnostic message, and keeps the one it sent', () => {
    assert.equal(describeResultCode(new InvalidCredentialsError('')), 'invalid credentials (code 49)');
    assert.equal(
      describeResultCode(new NoSuchObjectError('no such base')),
      'no such base (no such object, code 32)',
    );
  });
});
