import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { de, en, negotiateLocale, t, type MessageKey } from './index.js';

const placeholders = (message: string): string[] =>
  [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('message catalogues', () => {
  it('German has exactly the English keys', () => {
    assert.deepEqual(Object.keys(de).sort(), Object.keys(en).sort());
  });

  it('every German message has the same placeholders as the English one', () => {
    for (const key of Object.keys(en) as MessageKey[]) {
      assert.deepEqual(placeholders(de[key]), placeholders(en[key]), key);
    }
  });

  it('no message is empty and German is not a copy of English for sentences', () => {
    for (const key of Object.keys(en) as MessageKey[]) {
      assert.ok(en[key].trim() !== '' && de[key].trim() !== '', key);
    }
    assert.notEqual(de['signin.error.invalid_credentials'], en['signin.error.invalid_credentials']);
  });

  it('uses the expected German vocabulary', () => {
    assert.equal(t('de', 'signin.title'), 'Anmelden');
    assert.equal(t('de', 'signin.username'), 'Benutzername');
    assert.equal(t('de', 'signin.password'), 'Passwort');
    assert.equal(t('de', 'consent.allow'), 'Erlauben');
    assert.equal(t('de', 'consent.cancel'), 'Abbrechen');
    assert.equal(t('de', 'signout.submit'), 'Abmelden');
  });

  it('fills placeholders and leaves escaping to the template', () => {
    assert.equal(t('en', 'signin.subtitle.client', { client: '<x>' }), 'to continue to <x>');
    assert.equal(t('de', 'choose.continue_as', { name: 'Jana' }), 'Weiter als Jana');
  });

  it('throws when a placeholder value is missing', () => {
    assert.throws(() => t('en', 'consent.title'), TypeError);
  });
});

describe('negotiateLocale', () => {
  const table: [string | undefined, string | undefined, 'en' | 'de'][] = [
    ['de en', undefined, 'de'],
    ['fr de', undefined, 'de'],
    ['fr de', 'en', 'de'],
    ['en', 'de-DE', 'en'],
    ['de-AT', undefined, 'de'],
    ['DE-at', undefined, 'de'],
    ['fr it', 'de', 'de'],
    ['  ', 'de', 'de'],
    [undefined, 'de-DE,de;q=0.9,en;q=0.8', 'de'],
    [undefined, 'en-US', 'en'],
    [undefined, 'en-US,en;q=0.9,de;q=0.8', 'en'],
    [undefined, 'fr-CH, fr;q=0.9, de;q=0.7, *;q=0.5', 'de'],
    [undefined, 'en;q=0.5, de;q=0.8', 'de'],
    [undefined, 'de;q=0, en;q=0.1', 'en'],
    [undefined, 'de-AT', 'de'],
    [undefined, '', 'en'],
    ['', '', 'en'],
    [undefined, undefined, 'en'],
    [undefined, 'fr', 'en'],
    [undefined, '*', 'en'],
    [undefined, ';;;,,,=q', 'en'],
    [undefined, 'de;q=banana, en', 'en'],
    ['<script>', '\u0000\u00ff,;q=', 'en'],
  ];
  for (const [uiLocales, acceptLanguage, expected] of table) {
    it(`ui_locales=${JSON.stringify(uiLocales)} Accept-Language=${JSON.stringify(acceptLanguage)} → ${expected}`, () => {
      assert.equal(negotiateLocale(uiLocales, acceptLanguage), expected);
    });
  }
});
