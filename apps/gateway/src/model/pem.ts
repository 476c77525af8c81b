/** Every PEM block of the given label in a text, in order (a chain, a CA bundle, several CRLs). */
export function pemBlocks(text: string, label: string): string[] {
  const re = new RegExp(`-----BEGIN ${label}-----[\\s\\S]*?-----END ${label}-----`, 'g');
  return text.match(re) ?? [];
}
