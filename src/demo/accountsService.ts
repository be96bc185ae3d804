/**
 * The accounts service: user profiles.
 *
 * Why there is nothing clever here: users never change in the demo, so both
 * routes are lookups whose JSON is cached per user object. Note that a user
 * carries an email address, which the contract marks as personal data: the
 * demo logs only ids, never response bodies.
 *
 *   GET /users?ids=a,b   batch (max 100), unknown ids left out
 *   GET /users/{id}      one user, or 404
 */

import { USER_ID_PATTERN } from '../contract/ids';
import { batchBody, parseBatch } from './listReads';
import { CACHE, cachedJson, isReply, notFound, ok } from './replies';
import type { ServiceDefinition } from './routes';
import type { DemoData } from './seed';

export function createAccountsService(data: DemoData): ServiceDefinition {
  return {
    name: 'accounts',
    routes: [
      {
        method: 'GET',
        path: '/users',
        handle({ query }) {
          const ids = parseBatch(query, 'ids', true);
          if (isReply(ids)) return ids;
          return ok(batchBody(ids ?? [], (id) => data.usersById.get(id), cachedJson), CACHE.users);
        },
      },
      {
        method: 'GET',
        path: '/users/{id}',
        handle({ params }) {
          const id = params[0] as string;
          const user = USER_ID_PATTERN.test(id) ? data.usersById.get(id) : undefined;
          return user ? ok(cachedJson(user), CACHE.users) : notFound(`no user ${id}`);
        },
      },
    ],
  };
}
