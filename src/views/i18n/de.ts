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

  'account.title': 'Ihr Konto',
  'account.signed_in_as': 'Angemeldet als {user}.',
  'account.notice.access_removed':
    'Zugriff entfernt. Die Anwendung muss Sie erneut fragen, bevor sie Ihr Konto verwenden kann.',
  'account.notice.password_changed':
    'Ihr Passwort wurde geändert. Auf Ihren anderen Geräten wurden Sie abgemeldet.',
  'account.apps.title': 'Anwendungen mit Zugriff',
  'account.apps.none': 'Keine Anwendung hat Zugriff auf Ihr Konto.',
  'account.apps.remove': 'Zugriff entfernen',
  'account.password.title': 'Passwort ändern',
  'account.password.current': 'Aktuelles Passwort',
  'account.password.new': 'Neues Passwort',
  'account.password.confirm': 'Neues Passwort wiederholen',
  'account.password.hint': 'Mindestens {min} Zeichen.',
  'account.password.submit': 'Passwort ändern',
  'account.password.managed_elsewhere':
    'Ihr Passwort wird im Verzeichnis Ihrer Organisation verwaltet, nicht hier.',
  'account.password.error.wrong_password': 'Das aktuelle Passwort ist falsch.',
  'account.password.error.mismatch': 'Die neuen Passwörter stimmen nicht überein.',
  'account.password.error.too_short': 'Das neue Passwort muss mindestens {min} Zeichen lang sein.',
  'account.password.error.too_long': 'Das neue Passwort darf höchstens {max} Zeichen lang sein.',
  'account.sessions.title': 'Abmelden',
  'account.sessions.everywhere': 'Überall abmelden',
  'account.sessions.everywhere_hint': 'Beendet Ihre Sitzungen in allen Browsern und auf allen Geräten.',

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

  'error.situation.unknown_client':
    'Die Anwendung, die Sie hierher geschickt hat, ist bei diesem Anmeldedienst nicht registriert.',
  'error.situation.client_gone': 'Die Anwendung, die Sie hierher geschickt hat, ist nicht mehr registriert.',
  'error.situation.redirect_uri_unregistered':
    'Die Adresse, zu der die Anwendung zurückkehren möchte, ist für sie nicht registriert.',
  'error.situation.redirect_uri_gone':
    'Die Adresse, zu der die Anwendung zurückkehren möchte, ist für sie nicht mehr registriert.',
  'error.situation.post_logout_uri_unregistered':
    'Die Adresse, zu der nach dem Abmelden zurückgekehrt werden soll, ist für diese Anwendung nicht registriert.',
  'error.situation.request_expired':
    'Diese Anmeldeanfrage ist abgelaufen oder wurde bereits verwendet. Kehren Sie zur Anwendung zurück und beginnen Sie erneut.',
  'error.situation.form_expired':
    'Dieses Formular ist abgelaufen. Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es erneut.',
  'error.situation.no_request': 'Es gibt keine Anmeldeanfrage, die fortgesetzt werden kann.',
  'error.situation.choose_account': 'Bitte wählen Sie ein Konto.',
  'error.situation.choose_consent': 'Bitte wählen Sie „Erlauben“ oder „Abbrechen“.',
  'error.situation.missing_parameter':
    'Die Anwendung hat eine unvollständige Anfrage gesendet: Eine erforderliche Angabe fehlt.',
  'error.situation.repeated_parameter': 'Die Anwendung hat eine Anfrage mit einer doppelten Angabe gesendet.',
  'error.situation.request_too_large': 'Die Anfrage ist zu groß.',
  'error.situation.signout_hint_invalid':
    'Die Anwendung hat nicht korrekt angegeben, wer abgemeldet werden soll.',
  'error.lead.generic': 'Die Anmeldung konnte nicht abgeschlossen werden.',
  'error.lead.invalid_request':
    'Die Anwendung hat eine Anfrage gesendet, die dieser Anmeldedienst nicht annehmen kann.',
  'error.lead.invalid_scope':
    'Die Anwendung hat einen Zugriff angefordert, den dieser Anmeldedienst nicht anbietet.',
  'error.lead.unsupported_response_type':
    'Die Anwendung möchte auf eine Weise anmelden, die dieser Anmeldedienst nicht unterstützt.',
  'error.lead.unauthorized_client': 'Die Anwendung darf sich nicht auf diese Weise anmelden.',
  'error.lead.access_denied': 'Der Zugriff wurde nicht gewährt.',
  'error.lead.invalid_request_uri':
    'Diese Anmeldeanfrage ist abgelaufen, wurde bereits verwendet oder stammt von einer anderen Anwendung.',
  'error.lead.invalid_request_object':
    'Die Anwendung hat eine Anmeldeanfrage gesendet, die nicht überprüft werden konnte.',
  'error.lead.not_supported':
    'Die Anwendung hat etwas angefordert, das dieser Anmeldedienst nicht unterstützt.',
  'error.lead.login_required': 'Sie müssen sich erneut anmelden.',
  'error.lead.interaction_required': 'Die Anmeldung erfordert Ihre Eingabe, die hier nicht möglich ist.',
  'error.lead.server_error': 'Im Anmeldedienst ist ein unerwarteter Fehler aufgetreten.',
  'error.lead.not_found': 'Unter dieser Adresse gibt es keine Seite.',

  'signin.error.throttled_one_minute':
    'Zu viele fehlgeschlagene Versuche. Bitte warten Sie etwa eine Minute und versuchen Sie es dann erneut.',
  'signin.error.throttled_minutes':
    'Zu viele fehlgeschlagene Versuche. Bitte warten Sie etwa {minutes} Minuten und versuchen Sie es dann erneut.',
  'signin.forgot_password': 'Passwort vergessen?',

  'footer.imprint': 'Impressum',
  'footer.privacy': 'Datenschutz',

  'demo.title': 'Demo-Client',
  'demo.heading.success': 'Die Anmeldung hat funktioniert',
  'demo.success':
    'Die Anmeldung hat funktioniert. Der Autorisierungscode ist eine Minute gültig und kann einmal verwendet werden:',
  'demo.redeem': 'So tauschen Sie ihn gegen Tokens ein:',
  'demo.heading.failure': 'Die Anmeldung wurde nicht abgeschlossen',
  'demo.failure': 'Die Anwendung hat statt eines Codes einen Fehler erhalten:',
  'demo.field.code': 'Code',
  'demo.field.error': 'Fehler',
  'demo.field.description': 'Beschreibung',
  'demo.field.state': 'State',
};
