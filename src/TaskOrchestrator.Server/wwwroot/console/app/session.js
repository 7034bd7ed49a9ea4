// The bearer token lives in sessionStorage: it is gone when the browser tab closes, and it is never put in a URL.
const tokenKey = 'taskorchestrator.console.token';

export function currentToken() {
  return sessionStorage.getItem(tokenKey);
}

export function storeToken(token) {
  sessionStorage.setItem(tokenKey, token);
}

export function forgetToken() {
  sessionStorage.removeItem(tokenKey);
}

// What the token says about its holder, for display only: the API decides what the token may do.
export function describeToken(token) {
  const claims = decodePayload(token);
  const roles = [claims.role, claims.roles].flat().filter((r) => typeof r === 'string');
  return {
    subject: typeof claims.sub === 'string' ? claims.sub : null,
    admin: roles.includes('admin'),
    expiresAt: typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : null,
  };
}

function decodePayload(token) {
  const parts = (token ?? '').split('.');
  if (parts.length !== 3) {
    return {};
  }

  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4)), (c) => c.charCodeAt(0));
    const payload = JSON.parse(new TextDecoder().decode(bytes));
    return payload && typeof payload === 'object' ? payload : {};
  } catch {
    return {};
  }
}
