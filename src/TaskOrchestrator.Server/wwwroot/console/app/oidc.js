// Sign-in at an OpenID Connect provider: authorization code with PKCE (RFC 7636), as a public client. The code comes
// back in the query of /console/ and is removed from the address at once; the access token is kept in sessionStorage
// only (session.js), never in a URL.
import { storeToken } from './session.js';

const pendingKey = 'taskorchestrator.console.signin';

export async function beginSignIn(provider) {
  const discovery = await discover(provider.authority);
  const verifier = randomText(32);
  const state = randomText(16);
  const redirectUri = consoleAddress();
  sessionStorage.setItem(pendingKey, JSON.stringify({ state, verifier, redirectUri, tokenEndpoint: discovery.token_endpoint, returnTo: location.hash }));
  const challenge = base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const target = new URL(discovery.authorization_endpoint);
  for (const [name, value] of Object.entries({
    response_type: 'code', client_id: provider.clientId, redirect_uri: redirectUri, scope: provider.scope, state,
    code_challenge: challenge, code_challenge_method: 'S256',
  })) {
    target.searchParams.set(name, value);
  }

  location.assign(target.toString());
}

// After the provider sent the browser back: trades the code for a token. Null when this page load is no such return.
export async function completeSignIn(provider) {
  const query = new URLSearchParams(location.search);
  if (!query.has('code') && !query.has('error')) {
    return null;
  }

  const pending = JSON.parse(sessionStorage.getItem(pendingKey) ?? 'null');
  sessionStorage.removeItem(pendingKey);
  history.replaceState(null, '', `${location.pathname}${pending?.returnTo ?? ''}`);
  if (query.has('error')) {
    throw new Error(`The sign-in provider refused: ${query.get('error')}${query.get('error_description') ? ` (${query.get('error_description')})` : ''}.`);
  }

  if (!pending || query.get('state') !== pending.state) {
    throw new Error('The sign-in answer does not belong to a sign-in started in this tab; sign in again.');
  }

  let response;
  try {
    response = await fetch(pending.tokenEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code', code: query.get('code'), redirect_uri: pending.redirectUri, client_id: provider.clientId,
        code_verifier: pending.verifier,
      }),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (error) {
    throw new Error(`The sign-in provider's token endpoint could not be reached (${error?.message ?? error}).`);
  }

  const answer = await response.json().catch(() => ({}));
  if (!response.ok || typeof answer.access_token !== 'string') {
    throw new Error(`The sign-in provider gave no access token: ${answer.error ?? response.status}${answer.error_description ? ` (${answer.error_description})` : ''}.`);
  }

  storeToken(answer.access_token);
  return answer.access_token;
}

async function discover(authority) {
  const base = authority.endsWith('/') ? authority : `${authority}/`;
  const address = new URL('.well-known/openid-configuration', base);
  let discovery;
  try {
    const response = await fetch(address, { credentials: 'omit', cache: 'no-store' });
    if (!response.ok) {
      throw new Error(`it answered ${response.status}`);
    }

    discovery = await response.json();
  } catch (error) {
    throw new Error(`The sign-in provider's discovery document (${address}) could not be read: ${error?.message ?? error}.`);
  }

  for (const endpoint of ['authorization_endpoint', 'token_endpoint']) {
    if (typeof discovery[endpoint] !== 'string' || !isSafeAddress(discovery[endpoint])) {
      throw new Error(`The sign-in provider's ${endpoint} is missing or not https.`);
    }
  }

  // The pages may only fetch from the provider's own origin (Content-Security-Policy connect-src).
  if (new URL(discovery.token_endpoint).origin !== new URL(base).origin) {
    throw new Error(`The sign-in provider's token endpoint is not on its own origin (${new URL(base).origin}), which the console may not call.`);
  }

  return discovery;
}

function isSafeAddress(text) {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
  } catch {
    return false;
  }
}

function consoleAddress() {
  return `${location.origin}${location.pathname}`;
}

function randomText(bytes) {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64Url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
