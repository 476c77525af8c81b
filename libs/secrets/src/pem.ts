import { decodePemBlocks, PemError, type PemBlock } from '#keyway/pki';

/** One PEM block as found in a field: its label and DER bytes. */
export type { PemBlock };

/**
 * Every PEM block, or the reason the text is not PEM: libs/pki's one PEM reader (decodePemBlocks), its
 * refusal as a reason. Never echoes the content (it may be a key).
 */
export function readPemBlocks(
  text: string,
): { ok: true; blocks: PemBlock[] } | { ok: false; reason: string } {
  try {
    const blocks = decodePemBlocks(text);
    return blocks.length ? { ok: true, blocks } : { ok: false, reason: 'no PEM block found' };
  } catch (e) {
    if (e instanceof PemError)
      return { ok: false, reason: e.message.replace(/^pem: block/, 'PEM block').replace(/^pem: /, '') };
    throw e;
  }
}

/** The form versions are computed over: CRLF -> LF, outer whitespace trimmed, one final newline. */
export function normalizePem(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim() + '\n';
}
