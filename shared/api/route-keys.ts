// The route key API Gateway gives a request that matches no route: a module of its own, so that a handler checking
// for it does not bundle shared/resources.ts (every resource's description, about 6.5 KB of each HTTP function).

/** The route key API Gateway gives a request that matches no route. */
export const DEFAULT_ROUTE_KEY = '$default';
