/** Nest injection tokens for the api's providers. */
export const CONFIG = Symbol('api.config');
export const LOGGER = Symbol('api.logger');
export const DATA_SOURCE = Symbol('api.data-source');
export const COMMANDS = Symbol('api.commands');
export const KEYRING = Symbol('api.keyring');
export const TOKEN_STORE = Symbol('api.token-store');
export const RATE_LIMITER = Symbol('api.rate-limiter');
/** Requests without a token, per client address. */
export const ANONYMOUS_RATE_LIMITER = Symbol('api.anonymous-rate-limiter');
export const ADMIN_TOKEN = Symbol('api.admin-token');
export const METRICS = Symbol('api.metrics');
export const NATS = Symbol('api.nats');
export const TEAM_PUBLISHER = Symbol('api.team-publisher');
export const REQUEST_LOG = Symbol('api.request-log');
