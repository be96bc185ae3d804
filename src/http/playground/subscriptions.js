/*
 * Storefront gateway playground: runs subscriptions over WebSocket, with the
 * graphql-ws browser client the gateway serves (graphql-ws.min.js, global
 * `graphqlWs`). Queries and mutations go on over HTTP; a subscription goes to
 * the same path as ws:// (wss:// under https), signed in with the headers
 * editor's Authorization (sent as connection_init's `authorization`).
 * client.js wraps its fetcher with `playgroundSubscriptions.withSubscriptions`.
 */
(function () {
  'use strict';

  /** The operation GraphiQL runs is a subscription: the named one, or the document's first. */
  function isSubscription(params) {
    if (!params || typeof params.query !== 'string') return false;
    var query = params.query.replace(/#[^\n\r]*/g, '').replace(/"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"/g, '""');
    var name = params.operationName;
    if (name && /^[_A-Za-z][_0-9A-Za-z]*$/.test(name)) {
      return new RegExp('(^|[^_0-9A-Za-z])subscription\\s+' + name + '(?![_0-9A-Za-z])').test(query);
    }
    var first = /(^|[}\s])(query|mutation|subscription|fragment|\{)/.exec(query);
    return Boolean(first && first[2] === 'subscription');
  }

  function authorizationOf(headers) {
    for (var key in headers || {}) if (key.toLowerCase() === 'authorization' && typeof headers[key] === 'string') return headers[key];
    return '';
  }

  /** A close or a protocol error, as a result GraphiQL shows. */
  function asResult(error) {
    if (Array.isArray(error)) return { errors: error };
    if (error && typeof error.code === 'number') {
      return { errors: [{ message: 'The WebSocket closed with ' + error.code + (error.reason ? ': ' + error.reason : '.') }] };
    }
    return { errors: [{ message: error && error.message ? error.message : String(error) }] };
  }

  window.playgroundSubscriptions = {
    withSubscriptions: function (fetcher, config) {
      var url = new URL(config.endpoint, window.location.href);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      // One client (one socket, opened while it runs subscriptions) per bearer token.
      var clients = {};
      function clientFor(authorization) {
        if (!clients[authorization]) {
          clients[authorization] = graphqlWs.createClient({
            url: url.href,
            lazy: true,
            retryAttempts: 0,
            connectionParams: authorization ? { authorization: authorization } : {}
          });
        }
        return clients[authorization];
      }
      // An iterator, not an async generator: GraphiQL's stop calls return() while a next() waits for
      // an event, and a generator would defer that until the next event came.
      function run(client, payload) {
        var events = client.iterate(payload);
        var ended = false;
        var iterator = {
          next: function () {
            if (ended) return Promise.resolve({ value: undefined, done: true });
            return events.next().catch(function (error) {
              ended = true;
              return { value: asResult(error), done: false };
            });
          },
          return: function () {
            ended = true;
            return events.return ? events.return() : Promise.resolve({ value: undefined, done: true });
          }
        };
        iterator[Symbol.asyncIterator] = function () { return iterator; };
        return iterator;
      }
      return function (params, options) {
        if (!isSubscription(params)) return fetcher(params, options);
        var payload = { query: params.query, variables: params.variables || undefined, operationName: params.operationName || undefined };
        return run(clientFor(authorizationOf(options && options.headers)), payload);
      };
    }
  };
})();
