import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closestClientIds, closestRedirectUri, describeDifference } from './refusal-hints.js';

describe('what a refused client_id probably meant', () => {
  const known = ['nextcloud', 'rocketchat', 'gitlab', 'grafana', 'kpop-https://meet.example.com/meet'];

  it('names the nearest known ids, nearest first, ignoring case', () => {
    assert.deepEqual(closestClientIds('NextCloud', known), ['nextcloud']);
    assert.deepEqual(closestClientIds('gitlba', known), ['gitlab']);
    assert.deepEqual(closestClientIds('grafan', known), ['grafana']);
  });

  it('names an id that contains the one sent, or that it contains', () => {
    assert.deepEqual(closestClientIds('kpop', known), ['kpop-https://meet.example.com/meet']);
    assert.deepEqual(closestClientIds('nextcloud-prod', known), ['nextcloud']);
  });

  it('names none when nothing is near, and at most three', () => {
    assert.deepEqual(closestClientIds('wordpress', known), []);
    assert.deepEqual(closestClientIds('a', ['ab', 'ac', 'ad', 'ae']).length, 3);
    assert.deepEqual(closestClientIds('x', []), []);
  });
});

describe('how a refused redirect_uri differs from the registered ones', () => {
  const nextcloud = [
    'https://cloud.example.com/apps/sociallogin/custom_oidc/sesame',
    'https://other.example.com/cb',
  ];

  it('says when the sent one only adds /index.php', () => {
    assert.deepEqual(
      closestRedirectUri(
        'https://cloud.example.com/index.php/apps/sociallogin/custom_oidc/sesame',
        nextcloud,
      ),
      {
        closest: 'https://cloud.example.com/apps/sociallogin/custom_oidc/sesame',
        difference: 'differs only by `/index.php`, which the registered one lacks',
      },
    );
  });

  it('says when the sent one lacks a piece the registered one has', () => {
    assert.equal(
      describeDifference('https://rp.example/cb', 'https://rp.example/cb/'),
      'differs only by `/`, which the sent one lacks',
    );
  });

  it('names the first URL part that differs', () => {
    assert.equal(
      describeDifference('http://rp.example/cb', 'https://rp.example/cb'),
      'differs only by `s`, which the sent one lacks',
    );
    assert.equal(
      describeDifference('https://rp.example:8443/cb', 'https://rp.example:9443/cb'),
      'differs in its port: `8` where the registered one has `9`',
    );
    assert.equal(
      describeDifference('https://rp.example/callback', 'https://rp.example/cb'),
      'differs in its path: `allback` where the registered one has `b`',
    );
    assert.equal(
      describeDifference('https://rp.example/cb?a=1', 'https://rp.example/cb?a=2'),
      'differs in its query: `1` where the registered one has `2`',
    );
    assert.equal(
      describeDifference('not a url', 'nor this'),
      'differs at `t a url` where the registered one has `r this`',
    );
    assert.equal(describeDifference('https://a/cb', 'https://a/cb'), 'identical');
  });

  it('has no hint for a client with no redirect URI, and clips long values', () => {
    assert.equal(closestRedirectUri('https://rp.example/cb', []), null);
    const long = `https://rp.example/${'x'.repeat(300)}`;
    const hint = closestRedirectUri(long, ['https://rp.example/cb']);
    assert.ok(hint !== null && hint.difference.length < 220, hint?.difference);
  });
});
