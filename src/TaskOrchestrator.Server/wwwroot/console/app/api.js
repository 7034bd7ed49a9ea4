// The console's only way to the service: its public REST API, with the signed-in person's bearer token.
import { currentToken } from './session.js';

// The API sits at the root the console is served under (…/console/ -> …/), so a path base in front of both works.
const apiRoot = new URL('../', document.baseURI);
let onUnauthorized = () => {};

export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

// An answer that was not 2xx, in words: the ProblemDetails title and detail, and each field's problems.
export class ApiError extends Error {
  constructor(status, title, detail, fieldErrors = {}) {
    super(detail ? `${title}: ${detail}` : title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.fieldErrors = fieldErrors;
  }

  static async from(response) {
    const text = await response.text().catch(() => '');
    let problem = null;
    try {
      problem = text ? JSON.parse(text) : null;
    } catch {
      problem = null;
    }

    const status = response.status;
    const title = typeof problem?.title === 'string' && problem.title ? problem.title : `${status} ${response.statusText || 'error'}`.trim();
    const detail = typeof problem?.detail === 'string' ? problem.detail : status === 404 || status === 405 ? notOffered(status) : '';
    const fieldErrors = {};
    if (problem?.errors && typeof problem.errors === 'object') {
      for (const [field, messages] of Object.entries(problem.errors)) {
        fieldErrors[field] = [messages].flat().map(String);
      }
    }

    return new ApiError(status, title, detail, fieldErrors);
  }
}

// A 404 or 405 without a body of its own comes from no route at all: this server does not offer the action.
function notOffered(status) {
  return status === 405 ? 'this server does not offer this action (no such route for this method).' : 'this server has no such route or resource.';
}

// signIn: a 401 is the answer to a token being tried, not a sign that the session ended.
export async function api(method, path, { body, query, signal, signIn = false } = {}) {
  const url = new URL(path.replace(/^\//, ''), apiRoot);
  for (const [name, value] of query ?? []) {
    url.searchParams.append(name, value);
  }

  const headers = { Accept: 'application/json' };
  const token = currentToken();
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }

  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }

  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
    });
  } catch (error) {
    if (error?.name === 'AbortError') {
      throw error;
    }

    throw new ApiError(0, 'The service could not be reached', `${method} ${url.pathname} did not get an answer (${error?.message ?? error}).`);
  }

  if (!response.ok) {
    const error = await ApiError.from(response);
    if (response.status === 401 && !signIn) {
      onUnauthorized(error);
    }

    throw error;
  }

  const text = await response.text();
  return {
    status: response.status,
    data: text ? JSON.parse(text) : null,
    location: response.headers.get('Location'),
    next: nextCursor(response.headers.get('Link')),
  };
}

// The cursor of the page after this one, from the Link header's rel="next" target.
function nextCursor(link) {
  const match = /<([^>]*)>\s*;\s*rel="?next"?/i.exec(link ?? '');
  if (!match) {
    return null;
  }

  return new URL(match[1], apiRoot).searchParams.get('after');
}

// The id at the end of a Location header such as /tasks/{id}.
export function idFromLocation(location) {
  return location ? decodeURIComponent(new URL(location, apiRoot).pathname.split('/').filter(Boolean).pop() ?? '') : null;
}
