import type { NatsConnection } from '@nats-io/transport-node';
import { Buckets, credentialAssociatedData, credentialKey, type CredentialRecord } from '#keyway/contracts';
import { Keyring } from '#keyway/key-material';
import { connectNats, provisionKeywayBucket } from '#keyway/messaging';
import { materialJson, resolveCredentials } from '#keyway/secrets';
import { testDataKeys } from '#keyway/testing';
import { KvCredentialSink } from './credential-publisher.js';
import { privateNats, testCa } from './testing/harness.js';
import { tlsSecret } from './testing/memory-seams.js';

// Records sealed before the associated data named the revision do not open in an sds-server that
// binds it: the secret-watcher seals them again when it finds them, even with nothing else changed.
describe('credentials bucket records from before revision binding', () => {
  let nats: { url: string; stop(): Promise<void> };
  let nc: NatsConnection;
  const keyring = Keyring.parse(testDataKeys());

  beforeAll(async () => {
    nats = await privateNats();
    nc = await connectNats({ url: nats.url, name: 'publisher-test' });
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.stop();
  });

  it('are sealed again under namespace, name and revision', async () => {
    const kv = await provisionKeywayBucket(nc, Buckets.credentials);
    const [credential] = resolveCredentials([tlsSecret('web', testCa())]).credentials;
    const legacy: CredentialRecord = {
      schemaVersion: 1,
      namespace: credential.namespace,
      name: credential.sdsName,
      kind: credential.kind,
      revision: 1,
      contentHash: credential.contentHash,
      state: 'active',
      caFingerprints: [],
      material: keyring.seal(
        materialJson(credential.material),
        `${credential.namespace}/${credential.sdsName}`,
      ),
    };
    await kv.put(credentialKey(credential.namespace, credential.sdsName), JSON.stringify(legacy));
    const sink = new KvCredentialSink(kv, keyring);
    expect(await sink.publish(credential, 1)).toBe(true);
    const now = (await kv.get(
      credentialKey(credential.namespace, credential.sdsName),
    ))!.json<CredentialRecord>();
    const aad = credentialAssociatedData(credential.namespace, credential.sdsName, 1);
    expect(JSON.parse(keyring.open(now.material, aad).toString('utf8')).certificateChain).toBeDefined();
    // Sealed for its revision now: the same publish again changes nothing.
    expect(await sink.publish(credential, 1)).toBe(false);
  });
});
