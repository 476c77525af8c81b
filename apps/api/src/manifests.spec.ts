import { parseManifests } from './manifests.js';

describe('parseManifests', () => {
  it('reads multi-document YAML, JSON text, objects and Lists', () => {
    const yaml =
      'apiVersion: v1\nkind: Secret\nmetadata: {name: a}\n---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec: {}\n---\n';
    const r = parseManifests(yaml);
    expect(r.ok && r.objects.map((o) => o.kind)).toEqual(['Secret', 'Gateway']);
    expect(parseManifests('{"kind":"Secret","apiVersion":"v1","metadata":{"name":"x"}}')).toMatchObject({
      ok: true,
      objects: [{ kind: 'Secret' }],
    });
    const list = parseManifests({ kind: 'List', items: [{ kind: 'Gateway' }, { kind: 'VirtualService' }] });
    expect(list.ok && list.objects.length).toBe(2);
  });

  it('names the document that is wrong', () => {
    expect(parseManifests('kind: Secret\n---\n- just\n- a list\n')).toEqual({
      ok: false,
      errors: [
        {
          code: 'invalid',
          field: 'documents[1]',
          message: 'must be an object with apiVersion, kind and metadata',
        },
      ],
    });
    const bad = parseManifests('kind: [unclosed\n');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.errors[0].field).toBe('documents[0]');
    expect(parseManifests('   ')).toMatchObject({
      ok: false,
      errors: [{ message: 'the body holds no manifest' }],
    });
  });
});
