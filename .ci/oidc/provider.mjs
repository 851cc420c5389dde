// The OpenID provider the tests sign in through (npm `oidc-provider`, started by
// .ci/services): a stand-in for a government unified identity platform (统一身份认证平台).
//
//   RENKE_CI_OIDC_MODULES=<dir>/node_modules node .ci/oidc/provider.mjs
//   (the node_modules oidc-provider was installed into; .ci/services sets it)
//   RENKE_CI_OIDC_PORT=39080 (default)
//
// Clients (secrets are test values, nothing else uses them):
//   renke         confidential, client_secret_basic, ID tokens RS256
//   renke-es256   confidential, client_secret_post, ID tokens ES256
//   renke-public  public (no secret, PKCE only), ID tokens RS256
// Each is a "native" client with the loopback redirect http://127.0.0.1/login/oidc/callback:
// by RFC 8252 §7.3 the provider then accepts that address on any port, so tests that start
// Renke on a random port sign in without registering the port. PKCE is required of every
// client, and RP-initiated logout takes http://127.0.0.1/login (any port) afterwards.
//
// Accounts: the development login form accepts any login name with any password. The
// login name is the account's `sub`; its `staff_no` (工号) claim is the login name too,
// unless the name is listed in ACCOUNTS below; `name` is the listed name or the login.
// The login name `no-staff-no` signs in without a `staff_no` claim.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// Packages are installed outside the clone, so they are imported by path (ES modules do
// not read NODE_PATH).
const modules = process.env.RENKE_CI_OIDC_MODULES;
if (!modules) throw new Error('RENKE_CI_OIDC_MODULES must name the node_modules holding oidc-provider');
const load = (path) => import(pathToFileURL(join(modules, path)).href);
const { default: Provider } = await load('oidc-provider/lib/index.js');
const { generateKeyPair, exportJWK } = await load('jose/dist/webapi/index.js');

const port = Number(process.env.RENKE_CI_OIDC_PORT || 39080);
const issuer = `http://127.0.0.1:${port}`;

/** Login names with claims of their own: the demo's linked accounts. */
const ACCOUNTS = {
  'zhang.wei': { staff_no: 'GD-0001', name: '张伟' },
  'li.na': { staff_no: 'SAMR-0001', name: '李娜' },
};

function claimsOf(login) {
  if (login === 'no-staff-no') return { sub: login, name: login };
  const listed = ACCOUNTS[login];
  return { sub: login, staff_no: listed?.staff_no ?? login, name: listed?.name ?? login };
}

async function signingKey(alg, kid) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), alg, use: 'sig', kid };
}

const redirect = {
  application_type: 'native',
  redirect_uris: ['http://127.0.0.1/login/oidc/callback'],
  post_logout_redirect_uris: ['http://127.0.0.1/login'],
  grant_types: ['authorization_code'],
  response_types: ['code'],
};

const provider = new Provider(issuer, {
  clients: [
    { client_id: 'renke', client_secret: 'renke-ci-secret', token_endpoint_auth_method: 'client_secret_basic', ...redirect },
    {
      client_id: 'renke-es256', client_secret: 'renke-ci-secret-es256',
      token_endpoint_auth_method: 'client_secret_post', id_token_signed_response_alg: 'ES256', ...redirect,
    },
    { client_id: 'renke-public', token_endpoint_auth_method: 'none', ...redirect },
  ],
  jwks: { keys: [await signingKey('RS256', `rs-${Date.now()}`), await signingKey('ES256', `es-${Date.now()}`)] },
  enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256'] },
  pkce: { required: () => true },
  claims: { openid: ['sub'], profile: ['name', 'staff_no'] },
  async findAccount(_ctx, sub) {
    return { accountId: sub, async claims() { return claimsOf(sub); } };
  },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  cookies: { keys: ['renke-ci-cookie-key'] },
  ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
});
provider.proxy = false;

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening at ${issuer}/.well-known/openid-configuration`);
});
