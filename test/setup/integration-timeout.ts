import { jest } from '@jest/globals';

// jest reads testTimeout only from the global configuration, not from a project: integration tests
// (real NATS and Postgres) get their minute here.
jest.setTimeout(60_000);
