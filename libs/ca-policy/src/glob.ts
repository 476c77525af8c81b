/**
 * Shell-style globs for names that are single tokens (namespaces, issuer names): `*` matches any
 * run of characters, everything else is literal.
 */
export function globToRegExp(glob: string, star = '.*'): RegExp {
  return new RegExp(`^${globSource(glob, star)}$`);
}

export function globSource(glob: string, star = '.*'): string {
  return glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))
    .join(star);
}

export function matchesAnyGlob(globs: readonly RegExp[], value: string): boolean {
  return globs.some((g) => g.test(value));
}
