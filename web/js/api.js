// The admin JSON API v1 as the pages use it: one fetch wrapper that sends the CSRF token on every change,
// turns the error object {"error": {code, message, field}} into an ApiError, and hands a 401 (the session
// is gone) to the application, which goes back to the sign-in page.

const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, code, message, field = '', retryAfter = '') {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
    this.sessionLost = false;  // true: the application is already on its way to the sign-in page
  }
}

let csrfToken = '';
let unauthorizedHandler = () => {};

export function setCsrfToken(token) {
  csrfToken = token || '';
}

export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

// Path segments are percent-encoded one by one, so a login or "@example.org" is one segment.
export function path(strings, ...values) {
  return strings.reduce(
      (out, part, i) => out + part + (i < values.length ? encodeURIComponent(values[i]) : ''), '');
}

const FALLBACK_MESSAGES = {
  400: 'The request was not understood.',
  401: 'Please sign in again.',
  403: 'You are not allowed to do this.',
  404: 'It no longer exists. Someone may have changed it meanwhile.',
  409: 'This conflicts with the current state. Reload the page and try again.',
  413: 'The request is too large.',
  422: 'A value is not valid.',
  429: 'Too many attempts. Wait a moment and try again.',
  503: 'The server is busy. Try again in a moment.',
};

// options.query: an object of query parameters (empty values are left out); options.public: a 401 is an
// answer for the caller (sign-in) rather than a lost session.
export async function request(method, url, body, options = {}) {
  const headers = {Accept: 'application/json'};
  const init = {method, headers, credentials: 'same-origin', cache: 'no-store'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let target = BASE + url;
  if (options.query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query)) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    }
    const text = params.toString();
    if (text) target += (target.includes('?') ? '&' : '?') + text;
  }
  let response;
  try {
    response = await fetch(target, init);
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached. Check the connection and try again.');
  }
  if (response.status === 204) return null;
  let data = null;
  const type = response.headers.get('Content-Type') || '';
  try {
    // Read to the end even when it is not JSON (a 202's empty body): Chromium aborts a response body
    // nobody reads.
    const text = await response.text();
    data = type.includes('application/json') && text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.ok) return data ?? {};
  const error = data && data.error ? data.error : {};
  const failure = new ApiError(
      response.status, error.code || `http_${response.status}`,
      error.message || FALLBACK_MESSAGES[response.status] || `The server answered ${response.status}.`,
      error.field || '', response.headers.get('Retry-After') || '');
  // A 401 on an ordinary call means the session is gone; on sign-in it is the answer itself.
  failure.sessionLost = response.status === 401 && !options.public;
  if (failure.sessionLost) unauthorizedHandler();
  throw failure;
}

export const get = (url, query) => request('GET', url, undefined, {query});
export const post = (url, body, options) => request('POST', url, body, options);
export const patch = (url, body) => request('PATCH', url, body);
export const del = (url, query) => request('DELETE', url, undefined, {query});
