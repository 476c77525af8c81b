import { validatePayload } from '../validate.js';
import { proxyRecord } from './proxy.js';

const base = {
  schemaVersion: 1,
  nodeId: 'router~10.0.0.1~gw-1.istio-system~istio-system.svc.cluster.local',
  namespace: 'istio-system',
  labels: { istio: 'ingressgateway' },
  groupId: 'g-0123456789abcdef',
  replica: 'sds-1',
  connectedSince: '2026-01-01T00:00:00.000Z',
  streams: 1,
  acked: {},
};

describe('proxyRecord.sent (sds-server)', () => {
  it.each([
    { label: 'absent (older writers)', value: base, ok: true },
    { label: 'per type URL', value: { ...base, sent: { 'type.googleapis.com/x': 'v1' } }, ok: true },
    { label: 'a non-string version', value: { ...base, sent: { t: 1 } }, ok: false, field: 'sent.t' },
  ])('$label', ({ value, ok, field }) => {
    const result = validatePayload(proxyRecord, value);
    expect(result.ok).toBe(ok);
    if (!result.ok) expect(result.errors[0].field).toBe(field);
  });
});
