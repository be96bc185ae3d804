/* Storefront gateway playground: renders GraphiQL from the #playground-config JSON block. */
(function () {
  'use strict';
  var configElement = document.getElementById('playground-config');
  var config = JSON.parse(configElement.textContent);
  var prefix = 'storefront-bff:' + config.frontend + ':';
  var namespace = prefix + config.contractVersion + ':';
  // Runtime-injected <style> elements (dialogs) take their CSP nonce from this global.
  window.__webpack_nonce__ = config.styleNonce;

  function safe(fn, fallback) {
    try { return fn(); } catch (e) { return fallback; }
  }

  // Drop state stored for an older contract of this frontend.
  safe(function () {
    var stale = [];
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key && key.indexOf(prefix) === 0 && key.indexOf(namespace) !== 0) stale.push(key);
    }
    stale.forEach(function (key) { localStorage.removeItem(key); });
  });

  // shouldPersistHeaders=false keeps headers out of the stored tabs, but GraphiQL's history and
  // favorites store each run's headers regardless: strip them there too (unless the developer turned
  // "persist headers" on in the settings dialog), so pasted bearer tokens stay out of localStorage.
  function withoutHeaders(key, value) {
    if (key !== 'graphiql:queries' && key !== 'graphiql:favorites') return value;
    if (safe(function () { return localStorage.getItem(namespace + 'graphiql:shouldPersistHeaders'); }, null) === 'true') return value;
    return safe(function () {
      var parsed = JSON.parse(value);
      (parsed.queries || []).forEach(function (entry) { if (entry) delete entry.headers; });
      return JSON.stringify(parsed);
    }, value);
  }

  var storage = {
    getItem: function (key) { return safe(function () { return localStorage.getItem(namespace + key); }, null); },
    setItem: function (key, value) { localStorage.setItem(namespace + key, withoutHeaders(key, value)); },
    removeItem: function (key) { safe(function () { localStorage.removeItem(namespace + key); }); },
    clear: function () {
      safe(function () {
        var keys = [];
        for (var i = 0; i < localStorage.length; i++) {
          var key = localStorage.key(i);
          if (key && key.indexOf(namespace) === 0) keys.push(key);
        }
        keys.forEach(function (key) { localStorage.removeItem(key); });
      });
    },
    get length() {
      return safe(function () {
        var n = 0;
        for (var i = 0; i < localStorage.length; i++) {
          var key = localStorage.key(i);
          if (key && key.indexOf(namespace) === 0) n++;
        }
        return n;
      }, 0);
    }
  };

  // GraphiQL updates the query editor's operation name 100 ms (debounced) after its text changes, so
  // "Run" right after switching tabs would send the previous tab's operationName ("Unknown operation
  // named …"). Drop an operationName the document does not define; the server then runs the single
  // operation it contains.
  function definesOperation(query, name) {
    return /^[_A-Za-z][_0-9A-Za-z]*$/.test(name) &&
      new RegExp('(^|[^_0-9A-Za-z])(query|mutation|subscription)\\s+' + name + '(?![_0-9A-Za-z])').test(query);
  }
  var baseFetcher = GraphiQL.createFetcher({ url: new URL(config.endpoint, window.location.href).href });
  function fetcher(params, options) {
    if (params && typeof params.query === 'string' && params.operationName && !definesOperation(params.query, params.operationName)) {
      params = Object.assign({}, params);
      delete params.operationName;
    }
    return baseFetcher(params, options);
  }

  var props = {
    // Subscriptions over WebSocket (subscriptions.js), when that script is there.
    fetcher: window.playgroundSubscriptions ? window.playgroundSubscriptions.withSubscriptions(fetcher, config) : fetcher,
    // Content of tabs opened with "+" (and of the only tab when no operations were given).
    defaultQuery: '# ' + config.frontend + ' playground: queries run against ' + config.endpoint + '\n',
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    defaultEditorToolsVisibility: 'variables',
    storage: storage
  };
  if (config.tabs.length) props.defaultTabs = config.tabs; // [] would leave GraphiQL with no tab at all
  if (config.defaultHeaders) props.defaultHeaders = config.defaultHeaders;
  // The Waterfall panel (waterfall.js): the last response's extensions.diagnostics.
  if (window.StorefrontWaterfall) props.plugins = [window.StorefrontWaterfall.plugin({ diagnostics: config.diagnostics })];

  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, props));
})();
