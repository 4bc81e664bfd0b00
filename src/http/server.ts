import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import type { BrowserDeps, EndpointRequest, EndpointResponse } from '../endpoints/types.js';
import type { Route, RouteAudience } from './routes.js';
import { parseFormEncoded, pathOf, queryOf } from './params.js';
import { commonHeaders, pageCsp } from './security-headers.js';
import { renderError, toOAuthError } from './error-boundary.js';
import { writeCookies } from './cookies.js';
import { trustedOrigins, webOrigin } from './origins.js';
import { warnAboutClientAddresses } from './client-address-warnings.js';
import { capConnections, timeoutOptions } from './connection-limits.js';
import { answerUnreadBodies } from './unread-body.js';
import { jsonBodyParams, takesJsonBody } from '../endpoints/registration/json-body.js';
import { isStorageOutage } from '../oauth/storage-outage.js';
import { brandingOf } from '../endpoints/pages.js';
import { countRequests } from './request-metrics.js';

function noSchemas(): never {
  throw new TypeError('Sesame routes take no Fastify schemas: parse the request in the endpoint');
}

/** Largest request body accepted; OAuth requests are small, a request object by value included. */
export const BODY_LIMIT = 64 * 1024;

declare module 'fastify' {
  interface FastifyContextConfig {
    audience?: RouteAudience;
  }
  interface FastifyReply {
    /** The endpoint response is `frameable`: the reply gets no X-Frame-Options. */
    frameable: boolean;
  }
}

export interface ServerOptions {
  readonly deps: BrowserDeps;
  readonly routes: readonly Route[];
}

/**
 * Builds the Fastify instance: parsers, routes, security headers, the one error boundary, and
 * the limits of `config.http` on slow and on too many clients (connection-limits.ts).
 */
export async function buildServer({ deps, routes }: ServerOptions): Promise<FastifyInstance> {
  const proxies = deps.config.trustedProxies;
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT,
    ...timeoutOptions(deps.config.http),
    trustProxy: proxies.length > 0 ? [...proxies] : false,
    return503OnClosing: true,
    // Endpoints parse their input with zod (their parse.ts) and no route has a JSON schema, so
    // Fastify's ajv and fast-json-stringify compilers are never needed: not loading them saves
    // a tenth of the start (issue 11). A route given a schema fails to register, saying why.
    schemaController: { compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas } },
    // Errors Fastify raises before routing (e.g. a malformed percent-encoding in the path)
    // go through the same boundary instead of Fastify's own JSON. No hooks run for them, so
    // the common headers are set here.
    frameworkErrors: (error, request, reply) => {
      const oauth = toOAuthError(error);
      for (const [name, value] of Object.entries(commonHeaders)) reply.header(name, value);
      void send(
        reply,
        renderError(oauth, audienceForPath(request.url), endpointRequest(request), branding),
        https,
      );
    },
  });
  capConnections(app.server, deps.config.http.maxConnections, deps.log, deps.clock);
  app.addHook('onClose', async () => deps.storageHealth.stop());
  answerUnreadBodies(app, { bodyLimit: BODY_LIMIT, lingerMs: deps.config.http.requestTimeoutSeconds * 1000 });
  await app.register(cookie);
  app.decorateReply('frameable', false);
  if (deps.metrics) countRequests(app, deps.metrics);
  warnAboutClientAddresses(app, proxies, deps.log);
  const https = deps.config.issuer.startsWith('https:');
  const branding = brandingOf(deps.config);

  // Only form bodies carry OAuth parameters; anything else is read (within the limit) and ignored.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, parseFormEncoded(body as string)),
  );
  // The one exception: dynamic client registration takes JSON (RFC 7591 §3.1, RFC 7592 §2.2).
  // For those routes only, the text is handed on as it came (endpoints/registration/json-body.ts),
  // within the same limit; on every other route a JSON body is read and ignored, as before.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    done(null, takesJsonBody(request.routeOptions.url) ? jsonBodyParams(body as string) : null),
  );
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, null));

  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(commonHeaders)) {
      if (reply.frameable && name === 'x-frame-options') continue;
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('text/html') && !reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', pageCsp());
    }
    return payload;
  });

  for (const route of routes) {
    app.route({
      method: [...route.methods],
      url: route.path,
      config: { audience: route.audience },
      handler: async (request, reply) => {
        if (route.cors) allowCors(request, reply, deps);
        const response = await route.handle(endpointRequest(request), deps);
        return send(reply, response, https);
      },
    });
    if (route.cors && !route.methods.includes('OPTIONS')) {
      app.options(route.path, async (request, reply) => {
        if (allowCors(request, reply, deps)) {
          reply.header('access-control-allow-methods', route.methods.join(', '));
          reply.header('access-control-allow-headers', 'authorization, content-type');
          reply.header('access-control-max-age', '600');
        }
        return reply.code(204).send();
      });
    }
  }

  app.setErrorHandler(async (error, request, reply) => {
    const audience = request.routeOptions.config.audience ?? audienceForPath(request.url);
    const oauth = toOAuthError(error);
    // `temporarily_unavailable` is logged where it is raised: an outage once, not per request.
    if (isStorageOutage(error)) deps.storageHealth.failed(error.message);
    if (oauth.status >= 500 && oauth.code !== 'temporarily_unavailable') {
      deps.log.error({ err: error }, 'request failed');
    } else if (oauth.detail || audience === 'browser') {
      // A page shows a translated sentence and the code; the description is kept here.
      const { code, description, detail } = oauth;
      deps.log.debug({ error: code, description, ...(detail ? { detail } : {}) }, 'request refused');
    }
    return send(reply, renderError(oauth, audience, endpointRequest(request), branding), https);
  });

  app.setNotFoundHandler(async (request, reply) => {
    const audience = audienceForPath(request.url);
    const notFound = toOAuthError(Object.assign(new Error('not found'), { statusCode: 404 }));
    return send(reply, renderError(notFound, audience, endpointRequest(request), branding), https);
  });

  return app;
}

function audienceForPath(url: string): RouteAudience {
  return url.startsWith('/signin/') ? 'browser' : 'api';
}

/**
 * CORS (Fetch standard §3.2) for the routes a relying party's browser code calls, as Konnect's
 * provider.go does for discovery, JWKS, token and userinfo — but only for the issuer's origin
 * and the registered clients' `origins` (kopano-meet.md open question 5), looked up per
 * request so a reloaded registry applies at once. Never with credentials: these endpoints
 * authenticate by token or client secret, not by cookie. `Vary: Origin` is always sent, so a
 * cache never hands one origin's answer to another. Returns whether the origin was allowed.
 */
function allowCors(request: FastifyRequest, reply: FastifyReply, deps: BrowserDeps): boolean {
  reply.header('vary', 'Origin');
  const sent = request.headers.origin;
  const origin = sent === undefined ? null : webOrigin(sent);
  // The Origin header is compared as sent: only a serialised origin equals its normalised form.
  if (origin === null || origin !== sent) return false;
  if (!trustedOrigins(deps.config.issuer, deps.clients).includes(origin)) return false;
  reply.header('access-control-allow-origin', origin);
  return true;
}

function endpointRequest(request: FastifyRequest): EndpointRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    // A repeated header is ambiguous for the values we read (Authorization, Cookie): keep none.
    headers[name] = Array.isArray(value) ? undefined : value;
  }
  const body = request.body instanceof Map ? (request.body as EndpointRequest['body']) : new Map();
  return {
    method: request.method,
    path: pathOf(request.url),
    query: queryOf(request.url),
    body,
    headers,
    cookies: request.cookies ?? {},
    clientAddress: request.ip,
  };
}

function send(reply: FastifyReply, response: EndpointResponse, https: boolean): FastifyReply {
  if (response.frameable) reply.frameable = true;
  for (const [name, value] of Object.entries(response.headers ?? {})) reply.header(name, value);
  writeCookies(reply, response.cookies ?? [], https);
  switch (response.kind) {
    case 'json':
      return reply
        .code(response.status)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(response.body));
    case 'redirect':
      return reply.code(302).header('location', response.location).send();
    case 'html':
      return reply.code(response.status).type('text/html; charset=utf-8').send(response.body);
    case 'text':
      return reply
        .code(response.status)
        .type(response.contentType)
        .send(typeof response.body === 'string' ? response.body : Buffer.from(response.body));
    case 'empty':
      return reply.code(response.status).send();
  }
}
