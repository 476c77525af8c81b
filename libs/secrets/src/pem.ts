/** One PEM block as found in a field: its label and DER bytes. */
export interface PemBlock {
  label: string;
  der: Buffer;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Every PEM block, or the reason the text is not PEM. Never echoes the content (it may be a key). */
export function readPemBlocks(
  text: string,
): { ok: true; blocks: PemBlock[] } | { ok: false; reason: string } {
  const blocks: PemBlock[] = [];
  BLOCK.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = BLOCK.exec(text)) !== null) {
    const [, label, body, endLabel] = m;
    const i = blocks.length;
    if (label !== endLabel)
      return { ok: false, reason: `PEM block ${i}: BEGIN ${label} closed by END ${endLabel}` };
    if (body.includes(':'))
      return { ok: false, reason: `PEM block ${i} (${label}): has PEM headers (encrypted or legacy format)` };
    const b64 = body.replace(/\s+/g, '');
    if (b64.length === 0 || b64.length % 4 !== 0 || !BASE64.test(b64)) {
      return { ok: false, reason: `PEM block ${i} (${label}): body is not valid base64` };
    }
    blocks.push({ label, der: Buffer.from(b64, 'base64') });
  }
  if (blocks.length === 0) return { ok: false, reason: 'no PEM block found' };
  const lastBegin = text.lastIndexOf('-----BEGIN ');
  if (text.indexOf('-----END ', lastBegin) < 0)
    return { ok: false, reason: 'a BEGIN line has no matching END line' };
  return { ok: true, blocks };
}

/** The form versions are computed over: CRLF -> LF, outer whitespace trimmed, one final newline. */
export function normalizePem(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim() + '\n';
}
