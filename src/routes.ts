import type { Route } from './http/routes.js';
import type { Deps } from './endpoints/types.js';
import { paths } from './endpoints/paths.js';
import { discoveryHandler } from './endpoints/discovery/handler.js';
import { jwksHandler } from './endpoints/jwks/handler.js';
import { healthCheck, liveCheck } from './endpoints/health-check/handler.js';
import { accentStylesheetHandler, logoHandler } from './endpoints/static/branding.js';
import { brandingOf } from './endpoints/pages.js';
import { demoCallback, type DemoClient } from './endpoints/demo/handler.js';
import { demoCallbackPath } from './demo.js';
import type { DynamicClientRegistry } from './clients/dynamic-client-registry.js';
import { clientConfigurationRoute } from './endpoints/registration/json-body.js';

type Handle = Route['handle'];

/**
 * The handler `pick` takes from the module `load` imports, imported on the route's first
 * request: a server starts without the code of the pages and grants it has not served yet, and
 * answers discovery, JWKS and the health check sooner (issue 11).
 */
function onFirstRequest<M>(load: () => Promise<M>, pick: (module: M) => Handle): Handle {
  let handle: Promise<Handle> | null = null;
  return async (request, deps) => {
    // A failed import is tried again on the next request, not remembered until a restart.
    handle ??= load()
      .then(pick)
      .catch((error: unknown) => {
        handle = null;
        throw error;
      });
    return (await handle)(request, deps);
  };
}

const signIn = () => import('./endpoints/signin/sign-in.js');
const consent = () => import('./endpoints/signin/consent.js');
const chooseAccount = () => import('./endpoints/signin/choose-account.js');
const welcome = () => import('./endpoints/signin/welcome.js');

/**
 * Every route Sesame serves, at Konnect's paths (konnect-spec §3). Discovery, JWKS and the
 * health check are loaded with the server; every other endpoint on its first request.
 */
export function routes(
  deps: Deps,
  demo: DemoClient | null,
  dynamicClients: DynamicClientRegistry | null = null,
): Route[] {
  const table: Route[] = [
    { methods: ['GET'], path: paths.discovery, audience: 'api', cors: true, handle: discoveryHandler(deps) },
    { methods: ['GET'], path: paths.jwks, audience: 'api', cors: true, handle: jwksHandler(deps) },
    {
      methods: ['GET', 'POST'],
      path: paths.authorize,
      audience: 'browser',
      handle: onFirstRequest(
        () => import('./endpoints/authorize/handler.js'),
        (m) => m.handleAuthorize,
      ),
    },
    {
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
      path: paths.token,
      audience: 'api',
      cors: true,
      handle: onFirstRequest(
        () => import('./endpoints/token/handler.js'),
        (m) => m.handleToken,
      ),
    },
    {
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
      path: paths.userinfo,
      audience: 'api',
      cors: true,
      handle: onFirstRequest(
        () => import('./endpoints/userinfo/handler.js'),
        (m) => m.handleUserinfo,
      ),
    },
    {
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
      path: paths.revocation,
      audience: 'api',
      cors: true,
      handle: onFirstRequest(
        () => import('./endpoints/revocation/handler.js'),
        (m) => m.handleRevocation,
      ),
    },
    {
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
      path: paths.introspection,
      audience: 'api',
      cors: true,
      handle: onFirstRequest(
        () => import('./endpoints/introspection/handler.js'),
        (m) => m.handleIntrospection,
      ),
    },
    {
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
      path: paths.pushedAuthorization,
      audience: 'api',
      cors: true,
      handle: onFirstRequest(
        () => import('./endpoints/pushed-authorization/handler.js'),
        (m) => m.handlePushedAuthorization,
      ),
    },
    {
      methods: ['GET', 'POST'],
      path: paths.endSession,
      audience: 'browser',
      handle: onFirstRequest(
        () => import('./endpoints/end-session/handler.js'),
        (m) => m.handleEndSession,
      ),
    },
    {
      methods: ['GET'],
      path: paths.signIn,
      audience: 'browser',
      handle: onFirstRequest(signIn, (m) => m.showSignIn),
    },
    {
      methods: ['POST'],
      path: paths.signIn,
      audience: 'browser',
      handle: onFirstRequest(signIn, (m) => m.submitSignIn),
    },
    {
      methods: ['GET'],
      path: paths.consent,
      audience: 'browser',
      handle: onFirstRequest(consent, (m) => m.showConsent),
    },
    {
      methods: ['POST'],
      path: paths.consent,
      audience: 'browser',
      handle: onFirstRequest(consent, (m) => m.submitConsent),
    },
    {
      methods: ['GET'],
      path: paths.chooseAccount,
      audience: 'browser',
      handle: onFirstRequest(chooseAccount, (m) => m.showChooseAccount),
    },
    {
      methods: ['POST'],
      path: paths.chooseAccount,
      audience: 'browser',
      handle: onFirstRequest(chooseAccount, (m) => m.submitChooseAccount),
    },
    {
      methods: ['GET'],
      path: paths.welcome,
      audience: 'browser',
      handle: onFirstRequest(welcome, (m) => m.showWelcome),
    },
    {
      methods: ['POST'],
      path: paths.removeAccess,
      audience: 'browser',
      handle: onFirstRequest(
        () => import('./endpoints/account/remove-access.js'),
        (m) => m.submitRemoveAccess,
      ),
    },
    {
      methods: ['POST'],
      path: paths.signOutEverywhere,
      audience: 'browser',
      handle: onFirstRequest(
        () => import('./endpoints/account/sign-out-everywhere.js'),
        (m) => m.submitSignOutEverywhere,
      ),
    },
    {
      methods: ['POST'],
      path: paths.changePassword,
      audience: 'browser',
      handle: onFirstRequest(
        () => import('./endpoints/account/change-password.js'),
        (m) => m.submitChangePassword,
      ),
    },
    { methods: ['GET'], path: '/', audience: 'browser', handle: onFirstRequest(welcome, (m) => m.showRoot) },
    {
      methods: ['GET'],
      path: paths.stylesheet,
      audience: 'browser',
      handle: onFirstRequest(
        () => import('./endpoints/static/handler.js'),
        (m) => m.stylesheet,
      ),
    },
    {
      methods: ['GET'],
      path: paths.favicon,
      audience: 'browser',
      handle: onFirstRequest(
        () => import('./endpoints/static/favicon.js'),
        (m) => m.favicon,
      ),
    },
    { methods: ['GET', 'HEAD'], path: paths.healthCheck, audience: 'api', handle: healthCheck },
    { methods: ['GET', 'HEAD'], path: paths.healthCheckLive, audience: 'api', handle: liveCheck },
  ];
  if (deps.config.sessionManagement) {
    table.push({
      methods: ['GET'],
      path: paths.checkSession,
      audience: 'browser',
      handle: onFirstRequest(
        () => import('./endpoints/check-session/handler.js'),
        (m) => m.handleCheckSession,
      ),
    });
  }
  // RFC 7591 registration and RFC 7592 management exist only while they are allowed.
  if (deps.config.allowDynamicClientRegistration && dynamicClients !== null) {
    table.push(
      {
        methods: ['POST'],
        path: paths.registration,
        audience: 'api',
        handle: onFirstRequest(
          () => import('./endpoints/registration/register.js'),
          (m) => m.registerClient(dynamicClients),
        ),
      },
      {
        methods: ['GET', 'PUT', 'DELETE'],
        path: clientConfigurationRoute,
        audience: 'api',
        handle: onFirstRequest(
          () => import('./endpoints/registration/manage.js'),
          (m) => m.manageClient(dynamicClients),
        ),
      },
    );
  }
  const branding = deps.config.branding;
  if (branding?.logo) {
    table.push({
      methods: ['GET'],
      path: paths.logo,
      audience: 'browser',
      handle: logoHandler(branding.logo),
    });
  }
  if (branding?.accentColor) {
    const handle = accentStylesheetHandler(branding.accentColor);
    table.push({ methods: ['GET'], path: paths.accentStylesheet, audience: 'browser', handle });
  }
  if (demo) {
    const handle = demoCallback(deps.config.issuer, demo, brandingOf(deps.config));
    table.push({ methods: ['GET', 'POST'], path: demoCallbackPath, audience: 'browser', handle });
  }
  return table;
}
