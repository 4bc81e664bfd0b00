import type { MessageKey } from './en.js';

/** German messages (formal "Sie"); same keys and placeholders as the English catalogue. */
export const de: Readonly<Record<MessageKey, string>> = {
  'signin.title': 'Anmelden',
  'signin.subtitle.client': 'Weiter zu {client}',
  'signin.subtitle.generic': 'mit Ihrem Konto',
  'signin.username': 'Benutzername',
  'signin.password': 'Passwort',
  'signin.submit': 'Anmelden',
  'signin.error.invalid_credentials': 'Benutzername oder Passwort ist falsch.',
  'signin.error.throttled':
    'Zu viele fehlgeschlagene Versuche. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.',
  'signin.error.throttled_seconds':
    'Zu viele fehlgeschlagene Versuche. Bitte warten Sie {seconds} Sekunden und versuchen Sie es dann erneut.',
  'signin.error.unavailable':
    'Die Anmeldung ist vorübergehend nicht möglich. Bitte versuchen Sie es in Kürze erneut.',

  'consent.title': '{client} möchte auf Ihr Konto zugreifen',
  'consent.page_title': 'Zugriff erlauben',
  'consent.signed_in': 'Angemeldet',
  'consent.intro': '{client} erhält damit folgende Berechtigungen:',
  'consent.client_id': 'Client-ID: {clientId}',
  'consent.trust': 'Erlauben Sie dies nur, wenn Sie {client} vertrauen.',
  'consent.allow': 'Erlauben',
  'consent.cancel': 'Abbrechen',

  'scope.openid': 'Wissen, wer Sie sind',
  'scope.profile': 'Ihren Namen und grundlegende Profilangaben sehen',
  'scope.email': 'Ihre E-Mail-Adresse sehen',
  'scope.address': 'Ihre Postanschrift sehen',
  'scope.phone': 'Ihre Telefonnummer sehen',
  'scope.offline_access': 'Angemeldet bleiben und auch in Ihrer Abwesenheit auf Ihr Konto zugreifen',
  'scope.groups': 'Sehen, welchen Gruppen Sie angehören',

  'choose.title': 'Konto auswählen',
  'choose.continue_as': 'Weiter als {name}',
  'choose.switch': 'Anderes Konto verwenden',

  'signout.title': 'Abmelden?',
  'signout.body.client': '{client} möchte Sie von Ihrem Konto abmelden.',
  'signout.body.generic': 'Sie werden auf diesem Gerät von Ihrem Konto abgemeldet.',
  'signout.submit': 'Abmelden',

  'signedout.title': 'Sie wurden abgemeldet.',
  'signedout.body': 'Sie können dieses Fenster jetzt schließen.',

  'welcome.title': 'Sie sind angemeldet',
  'welcome.body': 'Angemeldet als {user}. Hier ist nichts weiter zu tun.',
  'welcome.sign_out': 'Abmelden',

  'error.title.generic': 'Etwas ist schiefgelaufen',
  'error.title.access_denied': 'Zugriff verweigert',
  'error.title.invalid_request': 'Diese Anfrage ist ungültig',
  'error.title.not_found': 'Seite nicht gefunden',
  'error.title.temporarily_unavailable': 'Vorübergehend nicht verfügbar',
  'error.lead.temporarily_unavailable':
    'Der Anmeldedienst kann gerade nicht antworten. Bitte versuchen Sie es in einigen Sekunden erneut.',
  'error.hint': 'Bitte kehren Sie zur Anwendung zurück und versuchen Sie es erneut.',
  'error.code': 'Fehlercode: {code}',

  'formpost.title': 'Weiter',
  'formpost.heading': 'Zurück zur Anwendung',
  'formpost.body': 'Wählen Sie „Weiter“, um zu {host} zurückzukehren.',
  'formpost.submit': 'Weiter',
};
