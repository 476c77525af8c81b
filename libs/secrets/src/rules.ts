import { fail, type CheckContext } from './certificate-checks.js';
import type { ResolvedOptions } from './options.js';
import type { DecodedSecret } from './secret.js';

const RESERVED_PREFIXES = ['istio', 'prometheus'];

/** The walkthrough's rules (Istio's secure-ingress task), kept as validation errors. */
export function checkWalkthroughRules(ctx: CheckContext, secret: DecodedSecret): void {
  if (RESERVED_PREFIXES.some((p) => secret.name.startsWith(p))) {
    fail(ctx, 'metadata.name', 'reserved-name', 'the secret name should not begin with istio or prometheus');
  }
  if (secret.has('token')) {
    fail(ctx, 'data.token', 'forbidden-field', 'the secret should not contain a token field');
  }
}

/** Size limits per value and for the whole Secret. */
export function checkSizes(ctx: CheckContext, secret: DecodedSecret, options: ResolvedOptions): void {
  for (const key of secret.keys()) {
    const size = secret.get(key)!.length;
    if (size > options.maxFieldBytes) {
      fail(
        ctx,
        `data.${key}`,
        'too-large',
        `is ${size} bytes, over the limit of ${options.maxFieldBytes} bytes`,
      );
    }
  }
  const total = secret.totalBytes();
  if (total > options.maxSecretBytes) {
    fail(ctx, 'data', 'too-large', `holds ${total} bytes, over the limit of ${options.maxSecretBytes} bytes`);
  }
}
