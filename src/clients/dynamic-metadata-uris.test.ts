import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backchannelLogoutUriProblem } from './dynamic-metadata-uris.js';

const context = { issuer: 'https://sesame.example.org', loopbackIssuer: false };

describe('backchannelLogoutUriProblem', () => {
  it('accepts an https URI on a public host name or address', () => {
    for (const uri of [
      'https://rp.example.org/backchannel',
      'https://8.8.8.8/bc',
      'https://[2606:4700:4700::1111]/bc',
      'https://[::ffff:8.8.8.8]/bc',
    ]) {
      assert.equal(backchannelLogoutUriProblem(uri, context), null, uri);
    }
  });

  it('refuses localhost by any name, and every address that is not public', () => {
    for (const uri of [
      'https://localhost/bc',
      'https://localhost./bc',
      'https://admin.localhost:8443/bc',
      'https://127.0.0.1/bc',
      'https://2130706433/bc',
      'https://0x7f.1/bc',
      'https://[::1]/bc',
      'https://[::7f00:1]/bc',
      'https://[::ffff:127.0.0.1]/bc',
      'https://[64:ff9b::a00:1]/bc',
      'https://[2002:c0a8:101::1]/bc',
      'https://[fd00::1]/bc',
      'https://[fe80::1]/bc',
      'https://[ff02::1]/bc',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/bc',
      'https://192.0.0.170/bc',
      'https://198.18.0.1/bc',
      'https://224.0.0.1/bc',
      'https://240.0.0.1/bc',
      'https://0.0.0.0/bc',
    ]) {
      assert.match(
        backchannelLogoutUriProblem(uri, context) ?? '',
        /^must not point at a loopback, private or link-local address/,
        uri,
      );
    }
  });
});
