// Issue rate of P-256 server certificates (a fresh key each) from one precomputed Issuer, single-threaded,
// next to what it cannot beat: a bare crypto.sign over a TBS of the same size, plus a bare P-256 key
// generation. Rounds of the three are interleaved so load from other processes hits them alike; both wall
// time and this process's CPU time are reported (the CPU figure is the rate on an otherwise idle core).
import { createECDH, generateKeyPairSync, sign } from 'node:crypto';
import { Issuer, issueCertificate, parseCertificate } from '#keyway/pki';
import { reportBench, round } from './lib/report.js';

const ROUNDS = Number(process.argv[2] ?? 10);
const ROUND_MS = 300;
const day = 86_400_000;

interface Sample {
  wallUs: number;
  cpuUs: number;
}

function runFor(fn: () => void): Sample {
  let count = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const deadline = t0 + BigInt(ROUND_MS) * 1_000_000n;
  let now = t0;
  while (now < deadline) {
    for (let i = 0; i < 50; i++) fn();
    count += 50;
    now = process.hrtime.bigint();
  }
  const cpu = process.cpuUsage(cpu0);
  return { wallUs: Number(now - t0) / 1000 / count, cpuUs: (cpu.user + cpu.system) / count };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const root = issueCertificate({
  profile: 'root-ca',
  subject: { commonName: 'keyway bench root', organization: 'keyway' },
  notAfter: new Date(Date.now() + 3650 * day),
});
const issuer = Issuer.from({ certificate: root.pem, privateKey: root.keyPair!.privateKeyPem });
const notAfter = new Date(Date.now() + 90 * day);
let n = 0;
const request = (i: number) =>
  ({
    profile: 'server',
    issuer,
    subject: { commonName: `svc-${i}.bench.svc` },
    sans: { dns: [`svc-${i}.bench.svc`, `svc-${i}.bench.svc.cluster.local`] },
    notAfter,
  }) as const;

const sample = issueCertificate(request(0));
const tbs = parseCertificate(sample.der).tbsDer;
const { privateKey: signingKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const ecdh = createECDH('prime256v1');

const cases: Record<string, () => void> = {
  issue: () => void issueCertificate(request(n++)),
  bareSign: () => void sign('sha256', tbs, signingKey),
  bareKeygen: () => void ecdh.generateKeys(),
  bareKeygenKeyObject: () => void generateKeyPairSync('ec', { namedCurve: 'prime256v1' }),
};
for (const fn of Object.values(cases)) for (let i = 0; i < 300; i++) fn(); // warm-up
const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let r = 0; r < ROUNDS; r++) for (const [k, fn] of Object.entries(cases)) samples[k].push(runFor(fn));

const fig = (k: string) => ({
  wallUs: round(median(samples[k].map((s) => s.wallUs)), 1),
  cpuUs: round(median(samples[k].map((s) => s.cpuUs)), 1),
});
const issue = fig('issue');
const bareSign = fig('bareSign');
const bareKeygen = fig('bareKeygen');
const bareKeygenKeyObject = fig('bareKeygenKeyObject');
const perSecond = (us: number): number => round(1e6 / us, 0);
const floorCpuUs = round(bareSign.cpuUs + bareKeygen.cpuUs, 1);

console.log(`pki-issue: ${ROUNDS} interleaved rounds of ${ROUND_MS} ms, medians, node ${process.version}`);
for (const [label, f] of [
  ['issueCertificate (P-256 keygen + sign)', issue],
  [`bare crypto.sign (${tbs.length}-byte TBS)`, bareSign],
  ['bare P-256 keygen (ECDH, raw bytes)', bareKeygen],
  ['bare generateKeyPairSync P-256', bareKeygenKeyObject],
] as const) {
  console.log(
    `  ${label.padEnd(40)} wall ${String(f.wallUs).padStart(7)} us (${perSecond(f.wallUs)}/s)  cpu ${String(f.cpuUs).padStart(7)} us (${perSecond(f.cpuUs)}/s)`,
  );
}

reportBench({
  name: 'pki-issue',
  figures: {
    certsPerSecondWall: perSecond(issue.wallUs),
    certsPerSecondCpu: perSecond(issue.cpuUs),
    issueWallUs: issue.wallUs,
    issueCpuUs: issue.cpuUs,
    bareSignWallUs: bareSign.wallUs,
    bareSignCpuUs: bareSign.cpuUs,
    bareKeygenWallUs: bareKeygen.wallUs,
    bareKeygenCpuUs: bareKeygen.cpuUs,
    bareGenerateKeyPairSyncCpuUs: bareKeygenKeyObject.cpuUs,
    floorCpuUsPerCert: floorCpuUs,
    libraryOverheadCpuUsPerCert: round(issue.cpuUs - floorCpuUs, 1),
    certificateBytes: sample.der.length,
    tbsBytes: tbs.length,
    rounds: ROUNDS,
    targetCertsPerSecond: 5000,
  },
  summary:
    `${perSecond(issue.wallUs)} P-256 certs/s wall, ${perSecond(issue.cpuUs)}/s by CPU time, single-threaded incl. keygen ` +
    `(${issue.cpuUs} us CPU each; bare sign ${bareSign.cpuUs} us + bare keygen ${bareKeygen.cpuUs} us = ${floorCpuUs} us floor); ` +
    `target >= 5000/s ${perSecond(issue.wallUs) >= 5000 ? 'met' : perSecond(issue.cpuUs) >= 5000 ? 'met by CPU time only' : 'NOT met'}`,
});
