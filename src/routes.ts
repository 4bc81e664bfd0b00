import type { Route } from './http/routes.js';
import type { Deps } from './endpoints/types.js';
import { paths } from './endpoints/paths.js';
import { discoveryHandler } from './endpoints/discovery/handler.js';
import { jwksHandler } from './endpoints/jwks/handler.js';
import { handleAuthorize } from './endpoints/authorize/handler.js';
import { handleToken } from './endpoints/token/handler.js';
import { handleUserinfo } from './endpoints/userinfo/handler.js';
import { handleRevocation } from './endpoints/revocation/handler.js';
import { handleIntrospection } from './endpoints/introspection/handler.js';
import { handlePushedAuthorization } from './endpoints/pushed-authorization/handler.js';
import { handleEndSession } from './endpoints/end-session/handler.js';
import { showSignIn, submitSignIn } from './endpoints/signin/sign-in.js';
import { showConsent, submitConsent } from './endpoints/signin/consent.js';
import { showChooseAccount, submitChooseAccount } from './endpoints/signin/choose-account.js';
import { showRoot, showWelcome } from './endpoints/signin/welcome.js';
import { submitRemoveAccess } from './endpoints/account/remove-access.js';
import { submitSignOutEverywhere } from './endpoints/account/sign-out-everywhere.js';
import { submitChangePassword } from './endpoints/account/change-password.js';
import { stylesheet } from './endpoints/static/handler.js';
import { healthCheck, liveCheck } from './endpoints/health-check/handler.js';
import { favicon } from './endpoints/static/favicon.js';
import { accentStylesheetHandler, logoHandler } from './endpoints/static/branding.js';
import { brandingOf } from './endpoints/pages.js';
import { handleCheckSession } from './endpoints/check-session/handler.js';
import { demoCallback, type DemoClient } from './endpoints/demo/handler.js';
import { demoCallbackPath } from './demo.js';
import type { DynamicClientRegistry } from './clients/dynamic-client-registry.js';
import { registerClient } from './endpoints/registration/register.js';
import { manageClient } from './endpoints/registration/manage.js';
import { clientConfigurationRoute } from './endpoints/registration/json-body.js';

/** Every route Sesame serves, at Konnect's paths (konnect-spec §3). */
export function routes(
  deps: Deps,
  demo: DemoClient | null,
  dynamicClients: DynamicClientRegistry | null = null,
): Route[] {
  const table: Route[] = [
    { methods: ['GET'], path: paths.discovery, audience: 'api', cors: true, handle: discoveryHandler(deps) },
    { methods: ['GET'], path: paths.jwks, audience: 'api', cors: true, handle: jwksHandler(deps) },
    { methods: ['GET', 'POST'], path: paths.authorize, audience: 'browser', handle: handleAuthorize },
    {
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
      path: paths.token,
      audience: 'api',
      cors: true,
      handle: handleToken,
    },
    {
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
      path: paths.userinfo,
      audience: 'api',
      cors: true,
      handle: handleUserinfo,
    },
    {
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
      path: paths.revocation,
      audience: 'api',
      cors: true,
      handle: handleRevocation,
    },
    {
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
      path: paths.introspection,
      audience: 'api',
      cors: true,
      handle: handleIntrospection,
    },
    {
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
      path: paths.pushedAuthorization,
      audience: 'api',
      cors: true,
      handle: handlePushedAuthorization,
    },
    { methods: ['GET', 'POST'], path: paths.endSession, audience: 'browser', handle: handleEndSession },
    { methods: ['GET'], path: paths.signIn, audience: 'browser', handle: showSignIn },
    { methods: ['POST'], path: paths.signIn, audience: 'browser', handle: submitSignIn },
    { methods: ['GET'], path: paths.consent, audience: 'browser', handle: showConsent },
    { methods: ['POST'], path: paths.consent, audience: 'browser', handle: submitConsent },
    { methods: ['GET'], path: paths.chooseAccount, audience: 'browser', handle: showChooseAccount },
    { methods: ['POST'], path: paths.chooseAccount, audience: 'browser', handle: submitChooseAccount },
    { methods: ['GET'], path: paths.welcome, audience: 'browser', handle: showWelcome },
    { methods: ['POST'], path: paths.removeAccess, audience: 'browser', handle: submitRemoveAccess },
    {
      methods: ['POST'],
      path: paths.signOutEverywhere,
      audience: 'browser',
      handle: submitSignOutEverywhere,
    },
    { methods: ['POST'], path: paths.changePassword, audience: 'browser', handle: submitChangePassword },
    { methods: ['GET'], path: '/', audience: 'browser', handle: showRoot },
    { methods: ['GET'], path: paths.stylesheet, audience: 'browser', handle: stylesheet },
    { methods: ['GET'], path: paths.favicon, audience: 'browser', handle: favicon },
    { methods: ['GET', 'HEAD'], path: paths.healthCheck, audience: 'api', handle: healthCheck },
    { methods: ['GET', 'HEAD'], path: paths.healthCheckLive, audience: 'api', handle: liveCheck },
  ];
  if (deps.config.sessionManagement) {
    table.push({
      methods: ['GET'],
      path: paths.checkSession,
      audience: 'browser',
      handle: handleCheckSession,
    });
  }
  // RFC 7591 registration and RFC 7592 management exist only while they are allowed.
  if (deps.config.allowDynamicClientRegistration && dynamicClients !== null) {
    table.push(
      {
        methods: ['POST'],
        path: paths.registration,
        audience: 'api',
        handle: registerClient(dynamicClients),
      },
      {
        methods: ['GET', 'PUT', 'DELETE'],
        path: clientConfigurationRoute,
        audience: 'api',
        handle: manageClient(dynamicClients),
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
