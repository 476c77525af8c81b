import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** An AES-256-GCM sealed value as it travels and rests: every field is safe to store. */
export interface SealedEnvelope {
  alg: 'A256GCM';
  /** Which data key sealed it, so keys can rotate while old envelopes still open. */
  kid: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

export interface DataKey {
  id: string;
  /** 32 raw bytes. */
  key: Buffer;
}

export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

/**
 * The data keys a service holds: one active key that seals, every listed key opens. Rotation is
 * adding a new key as active and keeping the old one until nothing sealed under it remains.
 */
export class Keyring {
  readonly #keys = new Map<string, Buffer>();
  readonly activeKeyId: string;

  constructor(keys: DataKey[], activeKeyId?: string) {
    if (keys.length === 0) throw new EnvelopeError('keyring: at least one data key is required');
    for (const k of keys) {
      if (k.key.length !== 32)
        throw new EnvelopeError(`keyring: data key ${k.id}: must be 32 bytes, got ${k.key.length}`);
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(k.id))
        throw new EnvelopeError(`keyring: data key id ${JSON.stringify(k.id)}: invalid`);
      this.#keys.set(k.id, k.key);
    }
    this.activeKeyId = activeKeyId ?? keys[0].id;
    if (!this.#keys.has(this.activeKeyId))
      throw new EnvelopeError(`keyring: active key ${this.activeKeyId}: not in the keyring`);
  }

  /** Parses `id1:base64key,id2:base64key`; the first is active. */
  static parse(spec: string): Keyring {
    const keys = spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((entry) => {
        const colon = entry.indexOf(':');
        if (colon <= 0) throw new EnvelopeError('keyring: each entry must be <id>:<base64 32-byte key>');
        return { id: entry.slice(0, colon), key: Buffer.from(entry.slice(colon + 1), 'base64') };
      });
    return new Keyring(keys);
  }

  keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  seal(plaintext: Buffer | string, associatedData?: string): SealedEnvelope {
    const key = this.#keys.get(this.activeKeyId)!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(`${this.activeKeyId}|${associatedData ?? ''}`));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      alg: 'A256GCM',
      kid: this.activeKeyId,
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      ciphertext: ciphertext.toString('base64'),
    };
  }

  /** Opens an envelope; any change to it (or to the associated data) throws EnvelopeError. */
  open(envelope: SealedEnvelope, associatedData?: string): Buffer {
    if (envelope.alg !== 'A256GCM')
      throw new EnvelopeError(`envelope: alg ${String(envelope.alg)}: unsupported`);
    const key = this.#keys.get(envelope.kid);
    if (!key) throw new EnvelopeError(`envelope: data key ${envelope.kid}: not in this service's keyring`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
      decipher.setAAD(Buffer.from(`${envelope.kid}|${associatedData ?? ''}`));
      decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]);
    } catch {
      throw new EnvelopeError('envelope: authentication failed (tampered, wrong key or wrong context)');
    }
  }

  /** Re-seals under the active key: the rotation step for data at rest. */
  reseal(envelope: SealedEnvelope, associatedData?: string): SealedEnvelope {
    if (envelope.kid === this.activeKeyId) return envelope;
    return this.seal(this.open(envelope, associatedData), associatedData);
  }
}
