// A real OpenID Connect provider (node oidc-provider) on loopback for VpnPortal's sign-in tests.
//
// Started by the tests: node server.mjs, with
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET       the portal's client
//   OIDC_REDIRECT_URIS                       comma separated, e.g. http://localhost/signin-oidc
//   OIDC_POST_LOGOUT_REDIRECT_URIS           comma separated
//   OIDC_PORT                                optional, 0 (any free port) by default
//   OIDC_TENANT                              optional: a Microsoft Entra ID stand-in for this directory (tenant) id,
//                                            issuer http://127.0.0.1:PORT/{tenant}/v2.0 as Entra's, and the client
//                                            authenticates with a certificate (private_key_jwt) given as
//   OIDC_CLIENT_JWK                          the public JWK of the client's certificate (RSA, with kid)
// It prints one line {"issuer": "..."} on stdout once it listens.
//
// Test-only endpoints under /test (loopback, no authentication; never deploy this script):
//   POST /test/users        {"login": "ana", "claims": {...}}     adds or replaces an account
//   POST /test/rotate-keys  {"retireOld": false}                  a new signing key signs from now on
//   POST /test/next-token   {"mode": "..."}                       rewrites the id_token of the next token response
//                                                                  ("other-tenant": signed, from another directory;
//                                                                  "no-tid": without the directory's id)
//   GET  /test/sessions-ended                                      how many sessions ended through end_session
// The login page at /interaction/:uid is a plain form with a "login" field; consent is implied for the client.

import http from 'node:http';
import crypto from 'node:crypto';
import { Provider } from 'oidc-provider';
import { generateKeyPair, exportJWK, SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';

const clientId = required('OIDC_CLIENT_ID');
const clientSecret = required('OIDC_CLIENT_SECRET');
const redirectUris = list(required('OIDC_REDIRECT_URIS'));
const postLogoutRedirectUris = list(process.env.OIDC_POST_LOGOUT_REDIRECT_URIS ?? '');
const tenant = process.env.OIDC_TENANT ?? '';
const clientJwk = process.env.OIDC_CLIENT_JWK ? JSON.parse(process.env.OIDC_CLIENT_JWK) : null;

const accounts = new Map(); // login -> { sub, claims }
const cookieKeys = [crypto.randomBytes(32).toString('base64url')];
let signingKeys = [await newSigningKey()]; // private JWKs; the first one signs
let nextTokenMode = null;
let lastIdToken = null;
let sessionsEnded = 0;

const server = http.createServer();
await new Promise((resolve) => server.listen(Number(process.env.OIDC_PORT ?? 0), '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
// Entra ID names each directory's issuer by its tenant id; the provider is mounted under that path.
const mount = tenant ? `/${tenant}/v2.0` : '';
const issuer = `${origin}${mount}`;
let provider = createProvider();

server.on('request', async (req, res) => {
  try {
    if (mount && req.url.startsWith(`${mount}/`)) {
      req.originalUrl = req.url;
      req.url = req.url.slice(mount.length);
    }
    const url = new URL(req.url, origin);
    if (url.pathname.startsWith('/test/')) {
      await testEndpoint(req, res, url);
    } else if (url.pathname.startsWith('/interaction/')) {
      await interaction(req, res, url);
    } else {
      provider.callback()(req, res);
    }
  } catch (err) {
    console.error(err);
    send(res, 500, { error: String(err) });
  }
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));

function createProvider() {
  const p = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      post_logout_redirect_uris: postLogoutRedirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      ...(clientJwk
        ? { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'PS256', jwks: { keys: [clientJwk] } }
        : { token_endpoint_auth_method: 'client_secret_post' }),
    }],
    jwks: { keys: signingKeys },
    cookies: { keys: cookieKeys },
    // Entra ID puts the profile and role claims in the id_token; so does this provider.
    conformIdTokenClaims: false,
    claims: {
      // Entra ID's groups overage: _claim_names names where the groups would be, instead of listing them.
      openid: ['sub', 'roles', 'groups', 'oid', 'tid', '_claim_names'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
    },
    scopes: ['openid', 'email', 'profile'],
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = page('Sign out', `${form}<button type="submit" form="op.logoutForm" name="logout" value="yes" id="logout-yes">Yes, sign me out</button>`);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = page('Signed out', '<p>You are signed out.</p>');
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => {
      const account = [...accounts.values()].find((a) => a.sub === sub);
      return account && { accountId: sub, claims: async () => ({ sub, ...account.claims }) };
    },
    // The portal is a first-party client: consent is implied for what it asks.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) {
        return ctx.oidc.provider.Grant.find(grantId);
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
      await grant.save();
      return grant;
    },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
  });

  p.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route === 'token' && ctx.status === 200 && ctx.body?.id_token) {
      const issued = ctx.body.id_token;
      ctx.body = { ...ctx.body, ...(await rewrite(ctx.body.id_token)) };
      lastIdToken = issued;
    }
    if (ctx.oidc?.route === 'end_session_confirm' && ctx.status === 303) {
      sessionsEnded += 1;
    }
  });
  return p;
}

async function interaction(req, res, url) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    const html = page('Sign in', `
      <form method="post" action="${url.pathname}" id="login-form">
        <label for="login">User name</label>
        <input id="login" name="login" autofocus>
        <button type="submit" id="login-submit">Sign in</button>
      </form>`);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
    return;
  }

  const login = new URLSearchParams(await body(req)).get('login') ?? '';
  const account = accounts.get(login);
  if (details.prompt.name !== 'login' || !account) {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: `no account '${login}'` });
    return;
  }
  await provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
}

async function testEndpoint(req, res, url) {
  if (req.method === 'GET' && url.pathname === '/test/sessions-ended') {
    send(res, 200, { sessionsEnded });
    return;
  }
  const input = JSON.parse((await body(req)) || '{}');
  switch (url.pathname) {
    case '/test/users': {
      const sub = input.sub ?? crypto.randomUUID();
      accounts.set(input.login, { sub, claims: input.claims ?? {} });
      send(res, 200, { sub });
      return;
    }
    case '/test/rotate-keys': {
      const key = await newSigningKey();
      // Older keys stay published until retired, as a provider rolling its keys over does.
      signingKeys = input.retireOld ? [key] : [key, ...signingKeys];
      provider = createProvider();
      send(res, 200, { kid: key.kid });
      return;
    }
    case '/test/next-token':
      nextTokenMode = input.mode ?? null;
      send(res, 200, { mode: nextTokenMode });
      return;
    default:
      send(res, 404, { error: 'unknown test endpoint' });
  }
}

// Turns the id_token the provider just issued into the bad one a test asked for (once).
async function rewrite(idToken) {
  const mode = nextTokenMode;
  nextTokenMode = null;
  if (!mode) {
    return {};
  }
  const claims = decodeJwt(idToken);
  const header = decodeProtectedHeader(idToken);
  const now = Math.floor(Date.now() / 1000);
  switch (mode) {
    case 'omit':
      return { id_token: undefined };
    case 'tampered': {
      // Same signature, different payload: an attacker raising their role.
      const [h, , s] = idToken.split('.');
      const payload = Buffer.from(JSON.stringify({ ...claims, roles: ['VpnPortal.Admin'], groups: [] })).toString('base64url');
      return { id_token: `${h}.${payload}.${s}` };
    }
    case 'expired':
      return { id_token: await sign({ ...claims, iat: now - 7200, exp: now - 3600 }, header) };
    case 'wrong-audience':
      return { id_token: await sign({ ...claims, aud: 'another-client' }, header) };
    case 'wrong-issuer':
      return { id_token: await sign({ ...claims, iss: 'http://127.0.0.1:1/evil' }, header) };
    case 'other-tenant': {
      // Signed with the same keys, as Entra ID signs every directory's tokens: only iss and tid tell them apart.
      const other = crypto.randomUUID();
      return { id_token: await sign({ ...claims, iss: `${origin}/${other}/v2.0`, tid: other }, header) };
    }
    case 'wrong-nonce':
      return { id_token: await sign({ ...claims, nonce: 'not-the-portals-nonce' }, header) };
    case 'no-nonce': {
      const { nonce, ...rest } = claims;
      return { id_token: await sign(rest, header) };
    }
    case 'no-tid': {
      const { tid, ...rest } = claims;
      return { id_token: await sign(rest, header) };
    }
    case 'replay':
      // The previous sign-in's id_token: valid, signed, but bound to another request's nonce.
      return { id_token: lastIdToken };
    case 'unknown-key': {
      const stranger = await newSigningKey();
      return { id_token: await sign(claims, { alg: 'RS256', kid: stranger.kid }, stranger) };
    }
    case 'alg-none': {
      const h = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
      return { id_token: `${h}.${p}.` };
    }
    default:
      throw new Error(`unknown token mode '${mode}'`);
  }
}

async function sign(claims, header, key = signingKeys[0]) {
  const privateKey = crypto.createPrivateKey({ key, format: 'jwk' });
  return new SignJWT(claims).setProtectedHeader({ ...header, alg: 'RS256', kid: key.kid }).sign(privateKey);
}

async function newSigningKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  return { ...(await exportJWK(privateKey)), kid: crypto.randomUUID(), alg: 'RS256', use: 'sig' };
}

function page(title, content) {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head>`
    + `<body><h1>${title}</h1>${content}</body></html>`;
}

function send(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function body(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is required`);
    process.exit(2);
  }
  return value;
}

function list(value) {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}
