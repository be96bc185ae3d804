/**
 * The accounts service: users by id. A user record holds personal data
 * (email): callers decide what of it may be shown or cached, never this file.
 */
import { unexpectedStatus } from '../errors/catalogue';
import { idList, segment } from './paths';
import { isUserId } from '../contract/ids';
import type { CallTrace, Fetched } from './call';
import type { ServiceHttp } from './serviceHttp';
import type { DownstreamUser } from '../contract/payloads';
import { items, user } from '../contract/validate';

const userItems = items(user);

export type AccountsClient = ReturnType<typeof createAccountsClient>;

export function createAccountsClient(http: ServiceHttp) {
  return {
    /** Users by id (at most 100); unknown ids are left out. */
    async usersByIds(ids: readonly string[], trace?: CallTrace, signal?: AbortSignal): Promise<Fetched<DownstreamUser[]>> {
      const valid = ids.filter(isUserId);
      if (valid.length === 0) return { value: [], maxAgeSeconds: null };
      const res = await http.call('GET', '/users', {
        route: 'GET /users',
        check: userItems,
        keys: valid.length,
        query: { ids: idList(valid) },
        trace,
        signal,
      });
      if (!res.ok) throw unexpectedStatus(http.service, 'GET /users', res.status);
      return { value: res.value.items, maxAgeSeconds: res.maxAgeSeconds };
    },

    /** One user, or null when unknown. */
    async user(id: string, trace?: CallTrace): Promise<DownstreamUser | null> {
      if (!isUserId(id)) return null;
      const res = await http.call('GET', `/users/${segment(id)}`, { route: 'GET /users/{id}', check: user, trace });
      if (res.ok) return res.value;
      if (res.status === 404) return null;
      throw unexpectedStatus(http.service, 'GET /users/{id}', res.status);
    },
  };
}
