import { RoutingSchema1764100000000 } from './1764100000000-routing-schema.js';

/** The route_compiler schema's migrations, in order. */
export const ROUTE_COMPILER_MIGRATIONS = [RoutingSchema1764100000000];
