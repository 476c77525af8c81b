import { jest } from '@jest/globals';

// jest reads testTimeout only from the global configuration, not from a project: end-to-end tests
// (a whole suite of processes on a shared, loaded machine) get their two minutes here.
jest.setTimeout(120_000);
