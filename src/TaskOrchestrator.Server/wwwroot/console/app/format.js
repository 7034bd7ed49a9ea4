// Formatting of what the API returns, for people. Nothing here builds HTML: the templates escape every value.

export const taskStatuses = ['Scheduled', 'Running', 'Completed', 'Failed', 'Cancelled'];
export const finalTaskStatuses = ['Completed', 'Failed', 'Cancelled'];

const pad = (n, width = 2) => String(n).padStart(width, '0');

// 2026-12-03 14:05:09 in the browser's time zone.
export function localTime(value) {
  if (!value) {
    return '';
  }

  const d = new Date(value);
  if (Number.isNaN(d.getTime())) {
    return String(value);
  }

  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// "in 4 min", "12 s ago".
export function relativeTime(value, now = Date.now()) {
  if (!value) {
    return '';
  }

  const ms = new Date(value).getTime() - now;
  if (Number.isNaN(ms)) {
    return '';
  }

  const text = duration(Math.abs(ms));
  return Math.abs(ms) < 1000 ? 'now' : ms > 0 ? `in ${text}` : `${text} ago`;
}

// 850 ms, 4.2 s, 3 min, 2 h 5 min, 3 d 4 h.
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) {
    return '';
  }

  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }

  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  }

  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) {
    return `${minutes} min`;
  }

  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  }

  return hours % 24 ? `${Math.floor(hours / 24)} d ${hours % 24} h` : `${Math.floor(hours / 24)} d`;
}

// Ids are version-7 GUIDs: their first characters are the creation time, the same for everything made within a minute.
// The last eight are random, so they tell rows apart.
export function shortId(id) {
  return String(id ?? '').slice(-8);
}

const masked = '••••••';
const secretName = /(auth|token|secret|passw|pwd|api[-_]?key|apikey|cookie|session|signature|credential|private|access[-_]?key|x-amz-security)/i;
const secretValue = [
  /^(bearer|basic|digest|token|apikey|sharedaccesssignature|aws4-hmac-sha256)\s+\S/i,
  /^[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/, // a JWT
  /^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9+/=_-]{24,}$/, // a long key: letters and digits, no spaces
];

// True when a header (or query parameter) of this name and value probably carries a credential.
export function looksSecret(name, value) {
  const text = String(value ?? '').trim();
  return secretName.test(String(name ?? '')) || secretValue.some((pattern) => pattern.test(text));
}

// The headers with every value that looks like a credential replaced, as [name, value, masked] rows.
export function maskHeaders(headers) {
  if (!headers || typeof headers !== 'object') {
    return [];
  }

  return Object.entries(headers).map(([name, value]) => looksSecret(name, value) ? [name, masked, true] : [name, String(value), false]);
}

// A URL as text, with a password in it and query values that look like credentials replaced.
export function maskUrl(value) {
  const text = String(value ?? '');
  let url;
  try {
    url = new URL(text);
  } catch {
    return text;
  }

  const parameters = [...url.searchParams];
  if (!url.password && !parameters.some(([name, v]) => looksSecret(name, v))) {
    return text;
  }

  const user = url.username ? `${url.username}${url.password ? `:${masked}` : ''}@` : '';
  const query = parameters.map(([name, v]) => `${encodeURIComponent(name)}=${looksSecret(name, v) ? masked : encodeURIComponent(v)}`).join('&');
  return `${url.protocol}//${user}${url.host}${url.pathname}${query ? `?${query}` : ''}${url.hash}`;
}

// "team:billing env:prod" -> [['team','billing'], ['env','prod']]; throws in words on a part without a colon.
export function parseLabelFilter(text) {
  return String(text ?? '').split(/[\s,]+/).filter(Boolean).map((part) => {
    const colon = part.indexOf(':');
    if (colon <= 0 || colon === part.length - 1) {
      throw new Error(`"${part}" is not a label filter: write key:value, e.g. team:billing.`);
    }

    return [part.slice(0, colon), part.slice(colon + 1)];
  });
}

// "Name: value" lines (headers) or "key=value" lines (labels) -> an object; throws in words on a bad line.
export function parseLines(text, separator, what) {
  const result = {};
  String(text ?? '').split('\n').map((line) => line.trim()).filter(Boolean).forEach((line, index) => {
    const at = line.indexOf(separator);
    if (at <= 0) {
      throw new Error(`${what}, line ${index + 1}: write name${separator === ':' ? ': ' : '='}value.`);
    }

    result[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  });
  return result;
}
