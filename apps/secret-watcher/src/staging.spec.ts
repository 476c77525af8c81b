import pino from 'pino';
import type { SealedEnvelope } from '#keyway/key-material';
import { CredentialState } from './credential-state.js';
import { SourcePrecedence } from './precedence.js';
import { entryFor } from './secret-entry.js';
import { stageEvent, stageSettleAll, type StagingContext } from './staging.js';
import { testCa } from './testing/harness.js';
import { testSecret, tlsSecret } from './testing/memory-seams.js';

const ca = testCa();
const now = new Date();
const sealed = { alg: 'A256GCM', kid: 'k1', iv: 'iv', tag: 'tag', ciphertext: 'ct' } satisfies SealedEnvelope;

function context(): StagingContext {
  const precedence = new SourcePrecedence(['kubernetes', 'api', 'directory']);
  return {
    state: new CredentialState(precedence),
    precedence,
    validation: { now },
    logger: pino({ level: 'silent' }),
    now: () => now,
  };
}

describe('staging', () => {
  it('an API apply stores its sealed manifest with its rows; the same bytes again stage nothing', () => {
    const ctx = context();
    const secret = tlsSecret('web', ca);
    const apply = { kind: 'apply', source: 'api', actor: 'user:a', secret, sealedManifest: sealed } as const;
    const first = stageEvent(ctx, apply);
    expect(first.result).toMatchObject({ outcome: 'created', revision: 1 });
    expect(first.rows.map((r) => `${r.name}@${r.revision} ${r.action}`)).toEqual(['web@1 created']);
    expect(first.apiChanges).toEqual([
      { op: 'upsert', namespace: 'ns', name: 'web', sealedManifest: sealed, actor: 'user:a' },
    ]);
    expect(first.changes.map((c) => c.change.action)).toEqual(['created']);

    const again = stageEvent(ctx, apply);
    expect(again).toMatchObject({ rows: [], apiChanges: [], changes: [], result: { outcome: 'unchanged' } });
  });

  it('an API delete removes the stored manifest; other sources keep no store', () => {
    const ctx = context();
    stageEvent(ctx, { kind: 'apply', source: 'directory', actor: 'file:a', secret: tlsSecret('web', ca) });
    expect(ctx.state.copiesOf('ns', 'web').has('directory')).toBe(true);
    stageEvent(ctx, {
      kind: 'apply',
      source: 'api',
      actor: 'user:a',
      secret: tlsSecret('web', ca),
      sealedManifest: sealed,
    });
    const del = stageEvent(ctx, {
      kind: 'delete',
      source: 'api',
      actor: 'user:a',
      namespace: 'ns',
      name: 'web',
    });
    expect(del.apiChanges).toEqual([{ op: 'delete', namespace: 'ns', name: 'web' }]);
    // The directory's copy takes over: an update, attributed to it.
    expect(del.result.outcome).toBe('updated');
    expect(del.rows.map((r) => `${r.revision} ${r.source}`)).toEqual(['3 directory']);
    const dirDelete = stageEvent(ctx, {
      kind: 'delete',
      source: 'directory',
      actor: 'file:a',
      namespace: 'ns',
      name: 'web',
    });
    expect(dirDelete).toMatchObject({ apiChanges: [], result: { outcome: 'deleted', revision: 4 } });
  });

  it('a rejected version takes a revision and changes nothing else', () => {
    const ctx = context();
    stageEvent(ctx, { kind: 'apply', source: 'api', actor: 'a', secret: tlsSecret('web', ca) });
    const held = ctx.state.copiesOf('ns', 'web');
    const bad = stageEvent(ctx, {
      kind: 'apply',
      source: 'api',
      actor: 'a',
      secret: testSecret('web', { 'tls.crt': 'x', 'tls.key': 'y' }),
      sealedManifest: sealed,
    });
    expect(bad.result).toMatchObject({ outcome: 'rejected', revision: 1 });
    expect(bad.rows.map((r) => `${r.revision} ${r.action}`)).toEqual(['2 rejected']);
    expect(bad).toMatchObject({ apiChanges: [], changes: [] });
    expect(ctx.state.copiesOf('ns', 'web')).toBe(held);
  });

  it('a delete of a Secret the source does not hold is not found and stages nothing', () => {
    const ctx = context();
    expect(
      stageEvent(ctx, { kind: 'delete', source: 'kubernetes', actor: 'k', namespace: 'ns', name: 'web' }),
    ).toMatchObject({ rows: [], changes: [], result: { outcome: 'not-found', revision: 0 } });
  });

  it('settling every namespace audits what changed while down, as the startup source', () => {
    const ctx = context();
    stageEvent(ctx, {
      kind: 'apply',
      source: 'directory',
      actor: 'file:a',
      secret: tlsSecret('gone', ca, 'b'),
    });
    // The restart found the file gone: the copy is no longer held, but the credential is served.
    ctx.state.hold('b', 'gone', new Map());
    // And a file added while down, seeded without an audit row.
    const added = entryFor('directory', 'file:x', tlsSecret('new', ca, 'a'), { now }, now.toISOString());
    ctx.state.hold('a', 'new', new Map([['directory', added]]));
    const settled = stageSettleAll(ctx);
    expect(settled.rows.map((r) => `${r.namespace}/${r.name}@${r.revision} ${r.action} ${r.source}`)).toEqual(
      ['a/new@1 created directory', 'b/gone@2 deleted startup'],
    );
    expect(settled.changes.map((c) => c.row)).toEqual(settled.rows);
  });
});
