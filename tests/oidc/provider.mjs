// A real OpenID Connect provider (the certified `oidc-provider` package) on loopback, for the
// browser test of signing in through the city's identity provider (tests/e2e/test_oidc.py).
//
// Environment: PORT, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, ACCOUNTS (JSON: sub -> claims,
// with `password` and `disabled`). Its own small sign-in page stands in for the city's. The
// test disables an account with POST /test/disable/<sub>, as an IT department would.
import http from 'node:http';

import Provider, { interactionPolicy } from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.ACCOUNTS || '{}');
const SCOPE = 'openid profile email groups';

// A disabled account's session at the provider no longer counts: the login prompt is due, so
// a silent re-check (prompt=none) answers login_required, and signing in again is refused.
const policy = interactionPolicy.base();
policy.get('login').checks.add(
  new interactionPolicy.Check('account_disabled', 'The account is disabled', (ctx) => {
    const sub = ctx.oidc.session.accountId;
    return sub && accounts[sub]?.disabled
      ? interactionPolicy.Check.REQUEST_PROMPT
      : interactionPolicy.Check.NO_NEED_TO_PROMPT;
  }),
);

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: [process.env.REDIRECT_URI],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  claims: {
    openid: ['sub'],
    profile: ['preferred_username', 'given_name', 'family_name'],
    email: ['email'],
    groups: ['groups'],
  },
  scopes: ['openid', 'profile', 'email', 'groups'],
  cookies: { keys: ['a-test-only-cookie-key'] },
  features: { devInteractions: { enabled: false } },
  interactions: { policy, url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = accounts[sub];
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        const { password, disabled, ...claims } = account;
        return { sub, ...claims };
      },
    };
  },
  // The city's own application: no consent screen.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(SCOPE);
    await grant.save();
    return grant;
  },
});

provider.on('server_error', (ctx, error) => console.error('server_error', error));

function page(uid, problem = '') {
  return `<!doctype html><html lang="en"><head><title>City sign-in</title></head><body>
<main><h1>City sign-in</h1>${problem ? `<p role="alert">${problem}</p>` : ''}
<form method="post" action="/interaction/${uid}">
<label for="login">City username</label><input id="login" name="login" autocomplete="username">
<label for="password">City password</label><input id="password" name="password" type="password">
<button type="submit">Sign in at the city</button></form></main></body></html>`;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => { data += chunk; });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

const handle = provider.callback();

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    const disable = url.pathname.match(/^\/test\/disable\/([^/]+)$/);
    if (req.method === 'POST' && disable) {
      accounts[decodeURIComponent(disable[1])].disabled = true;
      res.end('disabled');
      return;
    }
    const interaction = url.pathname.match(/^\/interaction\/([^/]+)$/);
    if (interaction) {
      const details = await provider.interactionDetails(req, res);
      res.setHeader('content-type', 'text/html; charset=utf-8');
      if (req.method !== 'POST') {
        res.end(page(details.uid));
        return;
      }
      const body = new URLSearchParams(await readBody(req));
      const sub = Object.keys(accounts).find(
        (key) => accounts[key].preferred_username === body.get('login'),
      );
      const account = sub && accounts[sub];
      if (!account || account.password !== body.get('password')) {
        res.end(page(details.uid, 'Wrong username or password.'));
        return;
      }
      const result = account.disabled
        ? { error: 'access_denied', error_description: 'The account is disabled.' }
        : { login: { accountId: sub } };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
      return;
    }
    handle(req, res);
  } catch (error) {
    console.error(error);
    res.statusCode = 500;
    res.end(String(error));
  }
});

server.listen(port, '127.0.0.1', () => console.log(`listening on ${issuer}`));
