import { auditVerifyText } from './audit-views.js';

const plain = (word: string) => word;

describe('keyway audit verify output', () => {
  it.each([
    [
      'intact, with a checkpoint',
      {
        ok: true,
        checkedCredentials: 3,
        checkedRows: 9,
        checkpoint: { seq: 4, at: 'T', mismatches: [], problems: [] },
      },
      'OK: audit chain intact (3 credentials, 9 rows); matches signed checkpoint 4 (T)\n',
    ],
    [
      'intact, with the CA record',
      { ok: true, checkedCredentials: 1, checkedRows: 2, ca: { ok: true, checkedRows: 7 } },
      'OK: audit chain intact (1 credentials, 2 rows); no signed checkpoints (set AUDIT_CHECKPOINT_KEY_FILE)\nOK: CA record chain intact (7 decisions, issuances, revocations and CRLs); no signed checkpoints (set AUDIT_CHECKPOINT_KEY_FILE)\n',
    ],
    [
      'the CA record changed',
      {
        ok: false,
        checkedCredentials: 1,
        checkedRows: 2,
        ca: {
          ok: false,
          checkedRows: 3,
          firstBroken: { seq: 4, reason: 'the row does not hash to its rowHash (it was changed)' },
        },
      },
      'BROKEN: CA record 4: the row does not hash to its rowHash (it was changed)\n',
    ],
    [
      'intact, the CA record with its checkpoint',
      {
        ok: true,
        checkedCredentials: 1,
        checkedRows: 2,
        checkpoint: { seq: 2, at: 'T', mismatches: [], problems: [] },
        ca: { ok: true, checkedRows: 7, checkpoint: { seq: 5, at: 'U', mismatches: [], problems: [] } },
      },
      'OK: audit chain intact (1 credentials, 2 rows); matches signed checkpoint 2 (T)\nOK: CA record chain intact (7 decisions, issuances, revocations and CRLs); matches signed checkpoint 5 (U)\n',
    ],
    [
      'the CA record cut, and a CA checkpoint signed with another key',
      {
        ok: false,
        checkedCredentials: 1,
        checkedRows: 2,
        ca: {
          ok: false,
          checkedRows: 6,
          checkpoint: {
            seq: 5,
            mismatches: [{ kind: 'truncated', chain: 'ca', checkpointRevision: 9, databaseRevision: 8 }],
            problems: [{ kind: 'unknown-key', seq: 6 }],
          },
        },
      },
      'BROKEN: CA record chain: truncated: checkpointed at record 9, the database ends at 8\nBROKEN: CA checkpoint 6: unknown-key\n',
    ],
    [
      'intact, no checkpoint key',
      { ok: true, checkedCredentials: 1, checkedRows: 1 },
      'OK: audit chain intact (1 credentials, 1 rows); no signed checkpoints (set AUDIT_CHECKPOINT_KEY_FILE)\n',
    ],
    [
      'the tail cut',
      {
        ok: false,
        checkpoint: {
          seq: 4,
          mismatches: [
            { kind: 'truncated', chain: 'tamper/web', checkpointRevision: 3, databaseRevision: 2 },
          ],
          problems: [],
        },
      },
      'BROKEN: tamper/web: truncated: checkpointed at revision 3, the database ends at 2\n',
    ],
    [
      'a row changed and a forged checkpoint',
      {
        ok: false,
        firstBroken: { namespace: 'ns', name: 'web', revision: 2, reason: 'row hash does not match' },
        checkpoint: {
          mismatches: [{ kind: 'rewritten', chain: 'ns/api', revision: 2 }],
          problems: [{ kind: 'unknown-key', seq: 9 }],
        },
      },
      'BROKEN: ns/web revision 2: row hash does not match\nBROKEN: ns/api: rewritten: revision 2 is not the row that was checkpointed\nBROKEN: checkpoint 9: unknown-key\n',
    ],
  ])('%s', (_what, result, text) => expect(auditVerifyText(result, plain)).toBe(text));
});
