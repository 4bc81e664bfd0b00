/* global window, document, localStorage, URL, URLSearchParams, fetch, setTimeout */
// A Meet-like web app for the tests in test/meet/: the oidc-client 1.9.1 set-up and callback
// routing of Kopano Meet (Kopano-dev/meet @ fc2d009) on kpop 2.6.0 (Kopano-dev/kpop tag v2.6.0),
// without React and Redux. Served at <issuer>/meet/ by test/meet/harness.ts after
// node_modules/oidc-client/lib/oidc-client.min.js, the npm build Meet bundles, which puts
// UserManager and Log on window.
//
// The tests drive it through `window.meet`. Where kpop would act on an event by navigating
// (a silent renew error redirects to the sign-in page), the app records the event instead, so
// that a test sees it; every other step is kpop's and Meet's.
(function () {
  'use strict';

  var UserManager = window.UserManager;
  var Log = window.Log;

  // kpop src/oidc/usermanager.js
  Log.logger = console;
  Log.level = Log.WARN;

  /** What happened, for the tests: oidc-client events, callback results, errors. */
  var events = [];
  function note(type, detail) {
    events.push({ type: type, detail: detail === undefined ? null : detail, at: Date.now() });
  }

  /** Every postMessage this window received (the check-session and silent-renew iframes). */
  var messages = [];
  window.addEventListener('message', function (event) {
    var data = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
    messages.push({ origin: event.origin, data: data, at: Date.now() });
  });

  // meet src/base.js
  var basePath = '/meet';
  var appBaseURL = window.location.href.split(basePath + '/')[0] + basePath + '/';

  // kpop src/oidc/settings.js setup(appBaseURL); not framed, not standalone: no popups.
  var settings = {
    popup: false,
    popupWindowTarget: 'kpop-oidc-sign-in-' + Math.random().toString(36).substring(7),
    popupWindowFeatures: 'location=no,toolbar=no,width=500,height=580',
    appBaseURL: appBaseURL,
    redirectURL: appBaseURL + '#oidc-callback',
    popupRedirectURL: appBaseURL + '#oidc-popup-callback',
    postLogoutRedirectURL: appBaseURL + '#oidc-endsession-callback',
    popupPostLogoutRedirectURL: appBaseURL + '#oidc-endsession-popup-callback',
    silentRedirectURL: appBaseURL + '#oidc-silent-refresh',
  };

  // kpop src/oidc/utils.js: the URL at load, query stripped, decides the route.
  var initialURL = (function () {
    var u = new URL(window.location.href);
    u.search = '';
    return u.href;
  })();
  function initialURLStartsWith(marker) {
    return initialURL.indexOf(marker) === 0;
  }
  var route = initialURLStartsWith(settings.silentRedirectURL)
    ? 'silent-refresh'
    : initialURLStartsWith(settings.redirectURL)
      ? 'signin-callback'
      : initialURLStartsWith(settings.postLogoutRedirectURL)
        ? 'endsession-callback'
        : 'app';

  // kpop src/oidc/initialize.js: a silent refresh loads only kpop src/oidc/callbacks.js, whose
  // own UserManager hands the URL to the parent window (oidc-client IFrameNavigator).
  if (route === 'silent-refresh') {
    window.meet = { route: route, events: events, messages: messages, isReady: true };
    new UserManager({ response_mode: 'fragment' }).signinSilentCallback().catch(function (err) {
      console.error('silent refresh callback failed', err);
    });
    return;
  }

  function completeCallbackRequest() {
    // kpop src/oidc/utils.js completeCallbackRequest and resetHash.
    initialURL = '';
    window.history.replaceState(
      window.history.state || null,
      '',
      window.location.pathname + window.location.search,
    );
  }

  // kpop src/oidc/state.js makeOIDCState.
  var oidcState = { idx: 0, state: {} };
  function makeOIDCState() {
    var l = window.location;
    return Object.assign(
      { id: ++oidcState.idx, route: l.pathname + l.search + l.hash, state: window.history.state },
      oidcState.state,
    );
  }

  /**
   * The app's config.json as Meet's `defaults` completes it (meet src/Main.js): Meet's scope
   * list and the `claims` request for `name` unless the config has its own. The tests keep
   * the config in localStorage under `meet-test-config`, so that it survives redirects.
   */
  function loadConfig() {
    var raw = JSON.parse(localStorage.getItem('meet-test-config') || '{}');
    var config = Object.assign({ oidc: {}, guests: {} }, raw);
    var scope = config.oidc.scope
      ? config.oidc.scope
      : ['openid', 'profile', 'email', 'kopano/kwm', 'kopano/gc', 'kopano/kvs'].join(' ');
    var eqp = Object.assign({}, { claims: JSON.stringify({ id_token: { name: null } }) }, config.oidc.eqp);
    config.oidc = Object.assign({ iss: '' }, config.oidc, { scope: scope, eqp: eqp });
    return config;
  }

  var config = loadConfig();
  /** Meet's guest state (meet src/actions/meet.js, src/Main.js): set by `signinAsGuest`. */
  var guest = { guest: null, path: null, name: null };
  var guestCache = {};

  /** meet src/Main.js onBeforeSignin: a guest logs on at kwmserver and signs in implicitly. */
  async function onBeforeSignin(userManager, args) {
    if (!config.guests || !config.guests.enabled) return;
    if (guestCache.responseType) {
      userManager.settings._response_type = guestCache.responseType;
      delete guestCache.responseType;
    }
    if (!guest.guest) {
      delete userManager.settings.extraQueryParams.request;
      return;
    }
    var scope = userManager.settings.scope + ' konnect/guestok';
    // meet src/actions/meet.js tryGuestLogon and src/api/kwm.js guestLogon: a form POST to
    // kwmserver with the guest settings, the scope, the issuer and the client_id.
    var params = Object.assign(
      { client_id: config.oidc.clientID, iss: config.oidc.iss, token: '' },
      {
        guest: guest.guest,
        path: guest.path,
        name: guest.name,
        scope: scope,
        iss: userManager.settings.authority,
        client_id: userManager.settings.client_id,
        locale: 'en',
      },
    );
    var response = await fetch('/api/kwm/v2/guest/logon', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    if (response.status !== 200) throw new Error('guest logon failed: ' + response.status);
    var logon = await response.json();
    note('guestLogon', logon);
    if (logon.ok) {
      userManager.settings.extraQueryParams = Object.assign(userManager.settings.extraQueryParams, logon.eqp);
      if (!guestCache.responseType) guestCache.responseType = userManager.settings._response_type;
      userManager.settings._response_type = 'id_token token';
      if (args) args.prompt = 'none';
    }
  }

  /** meet src/Main.js onBeforeSignout: the saved route loses its hash. */
  async function onBeforeSignout(_userManager, args) {
    if (args.state && args.state.route) {
      var r = new URL(args.state.route, 'http://localhost');
      r.hash = '';
      args.state.route = r.toString().substr(16);
    }
  }

  /** kpop src/oidc/actions.js createUserManager, with the recording described above. */
  function createUserManager() {
    var iss = config.oidc.iss;
    if (iss === '') iss = 'https://' + window.location.host;
    var userManager = new UserManager({
      authority: iss,
      client_id: config.oidc.clientID || 'kpop-' + encodeURI(settings.appBaseURL),
      redirect_uri: settings.redirectURL,
      popup_redirect_uri: settings.popupRedirectURL,
      post_logout_redirect_uri: settings.postLogoutRedirectURL,
      popup_post_logout_redirect_uri: settings.popupPostLogoutRedirectURL,
      silent_redirect_uri: settings.silentRedirectURL,
      response_type: config.oidc.useImplicitFlow ? 'id_token token' : 'code',
      response_mode: 'fragment',
      scope: config.oidc.scope,
      loadUserInfo: true,
      accessTokenExpiringNotificationTime: 120,
      automaticSilentRenew: true,
      includeIdTokenInSilentRenew: true,
      popupWindowFeatures: settings.popupWindowFeatures,
      popupWindowTarget: settings.popupWindowTarget,
      extraQueryParams: config.oidc.eqp || undefined,
      metadataUrl: config.oidc.metadataURL || undefined,
    });
    userManager.events.addAccessTokenExpiring(function () {
      note('accessTokenExpiring');
    });
    userManager.events.addAccessTokenExpired(function () {
      note('accessTokenExpired');
      userManager.removeUser();
    });
    userManager.events.addUserLoaded(function (user) {
      note('userLoaded', { sub: user.profile.sub });
    });
    userManager.events.addUserUnloaded(function () {
      note('userUnloaded');
    });
    userManager.events.addSilentRenewError(function (err) {
      note('silentRenewError', { error: err && err.error, message: err && err.message });
    });
    userManager.events.addUserSignedOut(function () {
      note('userSignedOut');
      userManager.removeUser();
    });
    userManager.events.addUserSessionChanged(function () {
      note('userSessionChanged');
    });
    return userManager;
  }

  var userManager = createUserManager();

  /** A user as plain data for the test: oidc-client's own storage form. */
  function plainUser(user) {
    return user ? JSON.parse(user.toStorageString()) : null;
  }
  function failure(err) {
    var result = {
      ok: false,
      error: (err && err.error) || null,
      message: (err && err.message) || String(err),
    };
    note('failure', result);
    return result;
  }
  function succeed(user) {
    return { ok: true, user: plainUser(user) };
  }

  window.meet = {
    route: route,
    appBaseURL: appBaseURL,
    settings: settings,
    config: config,
    events: events,
    messages: messages,
    isReady: false,
    userManagerSettings: function () {
      var s = userManager.settings;
      return {
        authority: s.authority,
        client_id: s.client_id,
        redirect_uri: s.redirect_uri,
        silent_redirect_uri: s.silent_redirect_uri,
        post_logout_redirect_uri: s.post_logout_redirect_uri,
        response_type: s.response_type,
        response_mode: s.response_mode,
        scope: s.scope,
        extraQueryParams: s.extraQueryParams,
      };
    },
    /** Stores the config for this and later page loads (applies from the next load). */
    configure: function (raw) {
      localStorage.setItem('meet-test-config', JSON.stringify(raw));
    },
    /** kpop signinRedirect; resolves before the browser leaves. */
    signinRedirect: function (params) {
      var args = Object.assign({}, params || {}, { state: makeOIDCState() });
      Promise.resolve()
        .then(function () {
          return onBeforeSignin(userManager, args);
        })
        .then(function () {
          return userManager.signinRedirect(args);
        })
        .catch(failure);
      return true;
    },
    /** kpop fetchUser on a `#oidc-callback` URL. */
    signinRedirectCallback: function () {
      if (route !== 'signin-callback') return Promise.resolve(failure(new Error('not a sign-in callback')));
      return userManager
        .signinRedirectCallback()
        .then(succeed, failure)
        .then(function (result) {
          completeCallbackRequest();
          return result;
        });
    },
    /** kpop fetchUserSilent / fetchUser's silent attempt (UserManager wrapper runs onBeforeSignin). */
    signinSilent: function (params) {
      var args = Object.assign({}, params || {}, { state: makeOIDCState() });
      return Promise.resolve()
        .then(function () {
          return onBeforeSignin(userManager, args);
        })
        .then(function () {
          return userManager.signinSilent(args);
        })
        .then(succeed, failure);
    },
    /**
     * A guest opening a public room link (meet README: /meet/r/group/public/x#guest=1&name=…):
     * kpop fetchUser with Meet's guest options removes the user, then signs in silently.
     */
    signinAsGuest: function (name) {
      guest = {
        guest: '1',
        path: decodeURI(window.location.pathname.substr((basePath + '/').length + 2)),
        name: name,
      };
      return userManager
        .removeUser()
        .then(function () {
          return window.meet.signinSilent();
        })
        .then(function (result) {
          // meet src/actions/meet.js disableSessionMonitorWhenGuest.
          if (result.ok && userManager._sessionMonitor) userManager._sessionMonitor._stop();
          return result;
        });
    },
    /** kpop signoutRedirect; resolves before the browser leaves. */
    signoutRedirect: function () {
      var args = { state: makeOIDCState() };
      Promise.resolve()
        .then(function () {
          return onBeforeSignout(userManager, args);
        })
        .then(function () {
          return userManager.signoutRedirect(args);
        })
        .catch(failure);
      return true;
    },
    /** kpop fetchUser on an `#oidc-endsession-callback` URL. */
    signoutRedirectCallback: function () {
      if (route !== 'endsession-callback')
        return Promise.resolve(failure(new Error('not an end-session callback')));
      return userManager
        .signoutRedirectCallback()
        .then(function (response) {
          return { ok: true, state: response && response.state, error: (response && response.error) || null };
        }, failure)
        .then(function (result) {
          completeCallbackRequest();
          return result;
        });
    },
    /** What oidc-client's SessionMonitor asks when the iframe answers "changed" (UserManager.js). */
    querySessionStatus: function () {
      return userManager.querySessionStatus().then(function (status) {
        return { ok: true, status: status || null };
      }, failure);
    },
    getUser: function () {
      return userManager.getUser().then(plainUser);
    },
    /** The check_session_iframe URL from the metadata oidc-client loaded. */
    checkSessionIframe: function () {
      return userManager.metadataService.getCheckSessionIframe();
    },
  };

  // kpop getOrCreateUserManager: clear stale state, load the metadata.
  setTimeout(function () {
    userManager.clearStaleState();
  }, 0);
  userManager.metadataService.getMetadata().then(
    function () {
      window.meet.isReady = true;
      note('ready', { route: route });
    },
    function (err) {
      note('metadataError', { message: err && err.message });
      window.meet.isReady = true;
    },
  );
  document.title = 'Meet (' + route + ')';
})();
