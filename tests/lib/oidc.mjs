// A real OpenID Connect provider for the tests: npm oidc-provider (v8), in-process on loopback, with one
// confidential client (client_secret_basic, PKCE required) and its development log-in form, where any
// login is accepted and becomes the account's sub. The newsroom is the group's own (first-party) client,
// so no consent screen is shown.
import http from 'node:http';
import Provider from 'oidc-provider';

/**
 * Starts the provider on 127.0.0.1:port for the client clientId/clientSecret whose redirect URI is
 * redirectUri. people maps a login to its claims ({email, email_verified}; unknown logins have none).
 * Resolves {issuer, provider, stop()}.
 */
export async function startProvider(port, { redirectUri, clientId, clientSecret, people }) {
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri],
      grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_basic',
    }],
    pkce: { required: () => true },
    // plain http on loopback: a SameSite=None cookie would need Secure
    cookies: { keys: ['a test provider cookie key'], long: { httpOnly: true, sameSite: 'lax' } },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    findAccount: (ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, ...(people[sub] ?? {}) }) }),
    loadExistingGrant: async (ctx) => {
      const existing = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email');
      await grant.save();
      return grant;
    },
  });
  const server = http.createServer(provider.callback());
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    provider,
    stop() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
