import { privateNats as privateNatsServer } from '#keyway/testing';

/**
 * A NATS server of the test's own on a free port: the fake responders must be the only ones
 * answering the service subjects, and other test files run the real services on the shared NATS.
 */
export const privateNats = () => privateNatsServer('keyway-api-nats');
