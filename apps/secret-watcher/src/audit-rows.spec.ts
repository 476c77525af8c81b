import { verifyChain, type ResolvedCredential } from '#keyway/secrets';
import { auditRowsFor, nextAuditRow } from './audit-rows.js';
import type { CredentialChange } from './credential-changes.js';
import { entryFor, type SecretEntry } from './secret-entry.js';
import { testCa } from './testing/harness.js';
import { tlsSecret } from './testing/memory-seams.js';
import { CredentialState } from './credential-state.js';
import { SourcePrecedence } from './precedence.js';

const ca = testCa();
const now = new Date();
const at = now.toISOString();

describe('audit rows', () => {
  it('each row is one revision after the chain head and chains to its hash', () => {
    const cause = { source: 'api', actor: 'user:a', recordedAt: at };
    const first = nextAuditRow(undefined, 'ns', 'web', { ...cause, action: 'rejected', reason: 'bad' });
    const second = nextAuditRow(first, 'ns', 'web', { ...cause, action: 'rejected', reason: 'worse' });
    expect([first.revision, second.revision]).toEqual([1, 2]);
    expect(first.previousHash).toBeNull();
    expect(second.previousHash).toBe(first.rowHash);
    expect(second).toMatchObject({ action: 'rejected', source: 'api', actor: 'user:a', reason: 'worse' });
    expect(verifyChain([first, second]).ok).toBe(true);
  });

  it('a version is attributed to the copy now served, a deletion to its cause', () => {
    const state = new CredentialState(new SourcePrecedence(['kubernetes', 'api', 'directory']));
    const served: SecretEntry = entryFor('directory', 'file:web.yaml', tlsSecret('web', ca), { now }, at);
    state.hold('ns', 'web', new Map([['directory', served]]));
    const credential: ResolvedCredential = state.resolve('ns').credentials[0];
    state.record([
      nextAuditRow(undefined, 'ns', 'old', {
        action: 'created',
        source: 'api',
        actor: 'a',
        recordedAt: at,
      }),
    ]);
    const changes: CredentialChange[] = [
      { action: 'created', namespace: 'ns', name: 'web', credential },
      { action: 'deleted', namespace: 'ns', name: 'old', contentHash: 'c0ffee' },
    ];
    // The cause is a deletion by kubernetes that left the directory's copy as the one served.
    const rows = auditRowsFor(
      state,
      changes,
      { source: 'kubernetes', actor: 'kubernetes', reason: 'why' },
      at,
    );
    expect(rows.map((r) => `${r.name} ${r.revision} ${r.action} ${r.source} ${r.actor} ${r.reason}`)).toEqual(
      ['web 1 created directory file:web.yaml why', 'old 2 deleted kubernetes kubernetes why'],
    );
    expect(rows[0].contentHash).toBe(credential.contentHash);
    expect(rows[1].contentHash).toBe('c0ffee');
    expect(rows[0].leafFingerprint).toBe(credential.leaf?.fingerprint);
  });
});
