import { buildOpenApi, docsPage, ROUTES } from './openapi.js';

describe('the OpenAPI document', () => {
  const doc = buildOpenApi('1.2.3') as any;

  it('is OpenAPI 3.x with info, paths, a bearer scheme and unique operation ids', () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: '1.2.3' });
    expect(doc.components.securitySchemes.bearer).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    const ids = Object.values(doc.paths).flatMap((ops: any) =>
      Object.values(ops).map((o: any) => o.operationId),
    );
    expect(new Set(ids).size).toBe(ROUTES.length);
  });

  it('declares every path parameter, and every $ref resolves', () => {
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      for (const op of Object.values<any>(ops)) {
        const declared = op.parameters
          .filter((p: any) => p.in === 'path')
          .map((p: any) => p.name)
          .sort();
        expect({ path, declared }).toEqual({ path, declared: names });
        for (const p of op.parameters) expect(p.schema).toBeDefined();
        expect(op.responses['200']).toBeDefined();
      }
    }
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const target = ref.slice(8, -1).replace(/^#\//, '').split('/');
      expect(target.reduce((o: any, k) => o?.[k], doc)).toBeDefined();
    }
  });

  it('renders a route page without loading anything from the network', () => {
    const html = docsPage();
    expect(html).toContain('/v1/apply');
    expect(html).not.toMatch(/<script|https?:\/\//);
  });
});
