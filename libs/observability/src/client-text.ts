/** How much of a client's text a log line or a stored record keeps. */
export const CLIENT_TEXT_LIMIT = 1024;

/**
 * Client-controlled text (a NACK's error message, a resource name, a header, a YAML error) cut to a
 * fixed size before anything else looks at it: what a hostile client sends can then cost no more
 * than this to redact, log or store. Says how much was cut, so a reader knows.
 */
export function clientText(value: unknown, limit = CLIENT_TEXT_LIMIT): string {
  const text = typeof value === 'string' ? value : String(value);
  return text.length <= limit ? text : `${text.slice(0, limit)}...(${text.length - limit} more characters)`;
}

/** A client-controlled list of names: at most `count` of them, each cut as clientText does. */
export function clientNames(names: readonly string[], count = 16, limit = 256): string[] {
  const shown = names.slice(0, count).map((n) => clientText(n, limit));
  return names.length > count ? [...shown, `...(${names.length - count} more)`] : shown;
}
