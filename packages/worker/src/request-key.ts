// The routing key of a parsed HTTP request, read from the same sources, in the same order, as the primary's
// strategy reads a connection's first request by (`query:<name>`, `cookie:<name>`, `header:<name>`; `proxy` is
// the connection's PROXY header client, the same for every request on it).
import type { IncomingMessage } from 'node:http';

function queryValue(url: string | undefined, name: string): string | undefined {
  if (url === undefined) return undefined;
  const start = url.indexOf('?');
  if (start === -1) return undefined;
  const end = url.indexOf('#', start);
  const value = new URLSearchParams(url.slice(start + 1, end === -1 ? undefined : end)).get(name);
  return value ?? undefined;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const equals = part.indexOf('=');
    if (equals === -1 || part.slice(0, equals).trim() !== name) continue;
    let value = part.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value;
  }
  return undefined;
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value.join(', ') : value;
  if (text === undefined) return undefined;
  // X-Forwarded-For lists the client first, then each proxy.
  return name === 'x-forwarded-for' ? text.split(',')[0]?.trim() : text;
}

/** The first non-empty value of `sources` in `request` (`proxyKey` for `proxy`), or undefined. */
export function requestKey(
  request: IncomingMessage,
  sources: readonly string[],
  proxyKey?: string,
): string | undefined {
  for (const source of sources) {
    if (source === 'proxy') {
      if (proxyKey !== undefined && proxyKey !== '') return proxyKey;
      continue;
    }
    const colon = source.indexOf(':');
    if (colon === -1) continue;
    const kind = source.slice(0, colon);
    const name = source.slice(colon + 1);
    let value: string | undefined;
    if (kind === 'query') value = queryValue(request.url, name);
    else if (kind === 'cookie') value = cookieValue(request.headers.cookie, name);
    else if (kind === 'header') value = headerValue(request, name.toLowerCase());
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}
