import { inspect } from 'node:util';
import { decodeSecret } from './secret.js';
import { formatSecretError } from './errors.js';

describe('decodeSecret', () => {
  it('decodes base64 data, merges stringData over it, and defaults namespace and type', () => {
    const r = decodeSecret({
      metadata: { name: 'mixed' },
      data: { cert: Buffer.from('from data').toString('base64'), key: Buffer.from('k').toString('base64') },
      stringData: { cert: 'from stringData', extra: 'e' },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.secret.namespace).toBe('default');
    expect(r.secret.type).toBe('Opaque');
    expect(r.secret.text('cert')).toBe('from stringData');
    expect(r.secret.keys()).toEqual(['cert', 'extra', 'key']);
    expect(r.secret.totalBytes()).toBe('from stringData'.length + 2);
  });

  it('keeps the manifest namespace over the default', () => {
    const r = decodeSecret({ metadata: { name: 'x', namespace: 'team-a' }, data: {} }, 'other');
    expect(r.ok && r.secret.namespace).toBe('team-a');
  });

  it('reports invalid base64, bad keys and a wrong kind with field paths', () => {
    const r = decodeSecret({
      kind: 'ConfigMap',
      metadata: { name: 'bad', namespace: 'ns' },
      data: { cert: 'not base64!', 'bad key': 'QQ==' },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map(formatSecretError)).toEqual([
      'Secret/ns/bad: kind: must be Secret, got ConfigMap',
      'Secret/ns/bad: data.cert: is not valid base64',
      'Secret/ns/bad: data.bad key: key must consist of alphanumerics, "-", "_" or "."',
    ]);
  });

  it('requires a name', () => {
    const r = decodeSecret({ metadata: { name: '' } });
    expect(r.ok ? [] : r.errors.map(formatSecretError)).toEqual([
      'Secret/default/: metadata.name: is required',
    ]);
  });

  it('never prints its values', () => {
    const r = decodeSecret({ metadata: { name: 's' }, stringData: { key: 'TOP-SECRET-VALUE' } });
    if (!r.ok) throw new Error('decode failed');
    expect(inspect(r.secret)).toBe('DecodedSecret(default/s, keys: key)');
    expect(JSON.stringify(r.secret)).not.toContain('TOP-SECRET');
  });
});
