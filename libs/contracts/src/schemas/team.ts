import { z } from 'zod';
import { k8sNamespace, schemaVersion } from './common.js';

/** A team's domain: a DNS name, or `*.` and a DNS name (every name under it). */
export const teamDomain = z
  .string()
  .max(253)
  .regex(
    /^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    'must be a DNS name or *.<DNS name>, lowercase',
  );

/** Value of `keyway-teams` at `<team>`: what the route-compiler needs to know of host ownership. */
export const teamRecord = z.object({
  schemaVersion,
  name: k8sNamespace,
  namespaces: z.array(k8sNamespace).max(1000),
  domains: z.array(teamDomain).max(1000),
});
export type TeamRecord = z.infer<typeof teamRecord>;
