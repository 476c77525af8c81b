import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { publicJwkOf, type JwsAlgorithm, type PublicJwk } from '#keyway/acme';

/** A client key for tests: signs flattened JWS requests as an ACME client does. */
export interface TestAccountKey {
  alg: JwsAlgorithm;
  privateKey: KeyObject;
  jwk: PublicJwk;
}

export function testAccountKey(alg: JwsAlgorithm = 'ES256'): TestAccountKey {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'ES384'
        ? generateKeyPairSync('ec', { namedCurve: 'P-384' })
        : alg === 'RS256'
          ? generateKeyPairSync('rsa', { modulusLength: 2048 })
          : generateKeyPairSync('ed25519');
  return { alg, privateKey: pair.privateKey, jwk: publicJwkOf(pair.publicKey) };
}

export interface FlattenedJws {
  protected: string;
  payload: string;
  signature: string;
}

const b64 = (v: string | Buffer) => Buffer.from(v).toString('base64url');

/** Signs `payload` (an object, or '' for POST-as-GET) with `header` merged over {alg}. */
export function signJws(
  key: TestAccountKey,
  header: Record<string, unknown>,
  payload: unknown,
): FlattenedJws {
  const protectedPart = b64(JSON.stringify({ alg: key.alg, ...header }));
  const payloadPart = payload === '' ? '' : b64(JSON.stringify(payload));
  const input = Buffer.from(`${protectedPart}.${payloadPart}`);
  const signature =
    key.alg === 'EdDSA'
      ? sign(null, input, key.privateKey)
      : key.alg === 'RS256'
        ? sign('sha256', input, key.privateKey)
        : sign(key.alg === 'ES256' ? 'sha256' : 'sha384', input, {
            key: key.privateKey,
            dsaEncoding: 'ieee-p1363',
          });
  return { protected: protectedPart, payload: payloadPart, signature: b64(signature) };
}

/** RFC 8555 §7.3.4: the binding of `accountJwk` to EAB key `kid`, MAC'd with `hmacKey`. */
export function signEab(kid: string, hmacKey: Buffer, url: string, accountJwk: PublicJwk): FlattenedJws {
  const protectedPart = b64(JSON.stringify({ alg: 'HS256', kid, url }));
  const payloadPart = b64(JSON.stringify(accountJwk));
  const mac = createHmac('sha256', hmacKey).update(`${protectedPart}.${payloadPart}`).digest();
  return { protected: protectedPart, payload: payloadPart, signature: b64(mac) };
}
