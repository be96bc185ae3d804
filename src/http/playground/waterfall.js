/*
 * Storefront gateway playground: the "Waterfall" panel, a GraphiQL plugin that draws the last
 * response's `extensions.diagnostics` (README: "Diagnostics and the waterfall panel"): one bar per
 * downstream call, placed by its start offset and as wide as its duration, coloured and grouped by
 * dependency level, the critical path marked; then the cache's answers by family and the cost.
 *
 * It reads the response pane itself (GraphiQL's response editor), so it needs nothing from the
 * fetcher and shows whatever response is on screen, including one run before the panel was opened.
 * Styles are set as React style objects (CSSOM), which the page's CSP allows without
 * 'unsafe-inline'. Loaded before client.js, which adds `StorefrontWaterfall.plugin(...)` to
 * GraphiQL's plugins.
 */
(function () {
  'use strict';
  var h = React.createElement;
  var LEVEL_COLOURS = ['#2f7ed8', '#1f9d55', '#d97706', '#8e44ad', '#c0392b', '#0e8a8a'];
  var MUTED = 'hsla(var(--color-neutral), var(--alpha-secondary, 0.6))';
  var LINE = 'hsla(var(--color-neutral), var(--alpha-background-heavy, 0.15))';
  var TEXT = 'hsl(var(--color-neutral))';
  var FAILED = '#d64545';

  function levelColour(level) {
    return LEVEL_COLOURS[(Math.max(1, level) - 1) % LEVEL_COLOURS.length];
  }

  function ms(value) {
    if (value === null || value === undefined) return '…';
    return (value >= 100 ? Math.round(value) : Math.round(value * 10) / 10) + ' ms';
  }

  /** What the response pane shows: { diagnostics } or { reason } when there is nothing to draw. */
  function readResponse(editor) {
    var text = editor ? editor.getValue() : '';
    if (!text || !text.trim()) return { reason: 'Run an operation: its downstream calls appear here.' };
    var body;
    try {
      body = JSON.parse(text);
    } catch (e) {
      return { reason: 'The last response is not JSON.' };
    }
    var diagnostics = body && body.extensions && body.extensions.diagnostics;
    if (!diagnostics || !diagnostics.downstream) return { reason: null };
    return { diagnostics: diagnostics };
  }

  function useLastResponse() {
    var context = GraphiQL.React.useEditorContext({ nonNull: true, caller: WaterfallPanel });
    var editor = context.responseEditor;
    var state = React.useState(function () { return readResponse(editor); });
    var setLast = state[1];
    React.useEffect(function () {
      if (!editor) return undefined;
      function update() { setLast(readResponse(editor)); }
      update();
      editor.on('change', update);
      return function () { editor.off('change', update); };
    }, [editor]);
    return state[0];
  }

  function section(title, children) {
    return h('div', { style: { marginTop: '16px' } },
      h('div', { style: { fontWeight: 600, marginBottom: '6px' } }, title),
      children);
  }

  function summary(d) {
    var calls = d.downstream.calls;
    var parts = [
      calls.length + (calls.length === 1 ? ' call' : ' calls'),
      d.downstream.levels + (d.downstream.levels === 1 ? ' level' : ' levels'),
      'downstream ' + ms(d.downstream.ms),
      'critical path ' + ms(d.downstream.criticalPath.ms),
      'total ' + ms(d.totalMs)
    ];
    return h('div', { 'data-waterfall': 'summary', style: { color: MUTED } }, parts.join(' · '));
  }

  function callLabel(call) {
    var label = call.service + ' · ' + call.route + ' · ×' + call.keys;
    if (call.outcome !== 'ok') label += ' · ' + call.outcome + (call.status ? ' ' + call.status : '');
    if (call.retries > 0) label += ' · retried ×' + call.retries;
    return label;
  }

  function bar(call, span) {
    var end = call.durationMs === null ? span : call.startMs + call.durationMs;
    var failed = call.outcome !== 'ok' && call.outcome !== 'rejected' && call.outcome !== 'pending';
    var colour = failed ? FAILED : levelColour(call.level);
    var title = callLabel(call) + '\nlevel ' + call.level + ', starts at ' + ms(call.startMs) + ', takes ' + ms(call.durationMs) +
      (call.after === null ? '' : ', after call #' + call.after) + (call.critical ? '\non the critical path' : '');
    return h('div', {
      key: call.id,
      className: 'waterfall-bar',
      'data-call-id': String(call.id),
      'data-service': call.service,
      'data-route': call.route,
      'data-keys': String(call.keys),
      'data-level': String(call.level),
      'data-critical': call.critical ? 'true' : 'false',
      title: title,
      style: { padding: '3px 0' }
    },
      h('div', { style: { display: 'flex', justifyContent: 'space-between', gap: '8px', fontSize: '12px', lineHeight: '16px' } },
        h('span', { style: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', fontWeight: call.critical ? 700 : 400, color: failed ? FAILED : TEXT } },
          (call.critical ? '◆ ' : '') + callLabel(call)),
        h('span', { style: { color: MUTED, whiteSpace: 'nowrap' } }, ms(call.durationMs))),
      h('div', { style: { position: 'relative', height: '12px', marginTop: '2px', background: LINE, borderRadius: '2px' } },
        h('div', {
          style: {
            position: 'absolute',
            top: call.critical ? '0' : '2px',
            bottom: call.critical ? '0' : '2px',
            left: (100 * call.startMs / span) + '%',
            width: (100 * Math.max(0, end - call.startMs) / span) + '%',
            minWidth: '3px',
            background: colour,
            opacity: call.durationMs === null ? 0.5 : 1,
            borderRadius: '2px',
            boxShadow: call.critical ? '0 0 0 2px ' + TEXT : 'none'
          }
        })));
  }

  function axis(span) {
    var ticks = [0, 0.25, 0.5, 0.75, 1];
    return h('div', { style: { position: 'relative', height: '16px', marginTop: '4px', fontSize: '11px', color: MUTED } },
      ticks.map(function (t) {
        var style = { position: 'absolute', top: 0 };
        if (t === 1) style.right = 0;
        else if (t === 0) style.left = 0;
        else { style.left = (100 * t) + '%'; style.transform = 'translateX(-50%)'; }
        return h('span', { key: t, style: style }, ms(span * t));
      }));
  }

  function waterfall(d) {
    var calls = d.downstream.calls;
    if (calls.length === 0) {
      return h('div', { style: { marginTop: '12px', color: MUTED } },
        d.cache.response === 'hit' ? 'No downstream call: the whole response came from the response cache.' : 'No downstream call: everything came from the cache.');
    }
    var span = Math.max(d.totalMs, 1);
    calls.forEach(function (c) { span = Math.max(span, c.startMs + (c.durationMs || 0)); });
    var levels = [];
    calls.forEach(function (c) { (levels[c.level - 1] = levels[c.level - 1] || []).push(c); });
    return h('div', { 'data-waterfall': 'bars', style: { marginTop: '12px' } },
      levels.map(function (group, i) {
        if (!group) return null;
        return h('div', { key: i, style: { marginBottom: '10px', paddingLeft: '8px', borderLeft: '3px solid ' + levelColour(i + 1) } },
          h('div', { style: { fontSize: '12px', fontWeight: 600, color: levelColour(i + 1), marginBottom: '2px' } },
            'Level ' + (i + 1) + ' · ' + group.length + (group.length === 1 ? ' call' : ' calls')),
          group.map(function (call) { return bar(call, span); }));
      }),
      axis(span),
      h('div', { style: { marginTop: '6px', fontSize: '12px', color: MUTED } },
        '◆ critical path: ' + d.downstream.criticalPath.calls.map(function (id) { return calls[id].service + ' ' + calls[id].route; }).join(' → ')));
  }

  function cacheTable(cache) {
    var families = Object.keys(cache.entities);
    var cell = { padding: '2px 6px', textAlign: 'right' };
    var head = { padding: '2px 6px', textAlign: 'right', color: MUTED, fontWeight: 400 };
    var lines = [
      h('div', { key: 'response', 'data-waterfall': 'response-cache' },
        'Response cache: ' + cache.response + ' · Redis: ' + cache.redis.reads + ' read' + (cache.redis.reads === 1 ? '' : 's') + ', ' +
        cache.redis.writes + ' write' + (cache.redis.writes === 1 ? '' : 's') + (cache.redis.errors ? ', ' + cache.redis.errors + ' failed' : ''))
    ];
    if (families.length > 0) {
      lines.push(h('table', { key: 'entities', 'data-waterfall': 'cache', style: { borderCollapse: 'collapse', marginTop: '6px', fontSize: '12px' } },
        h('thead', null, h('tr', null,
          h('th', { style: { padding: '2px 6px', textAlign: 'left', color: MUTED, fontWeight: 400 } }, 'family'),
          ['L1', 'L2 (Redis)', 'miss', 'stale', 'stale-if-error'].map(function (t) { return h('th', { key: t, style: head }, t); }))),
        h('tbody', null, families.map(function (family) {
          var o = cache.entities[family];
          return h('tr', { key: family, style: { borderTop: '1px solid ' + LINE } },
            h('td', { style: { padding: '2px 6px' } }, family),
            [o.l1, o.l2, o.miss, o.stale, o.staleIfError].map(function (n, i) { return h('td', { key: i, style: cell }, String(n)); }));
        }))));
    }
    return section('Cache', lines);
  }

  function cost(c) {
    var text = c.estimated === null ? 'not estimated (the operation did not resolve)' :
      c.estimated + (c.limit === null ? ' (no limit: MAX_COST=0)' : ' of ' + c.limit + ' (MAX_COST)');
    var note = c.trusted ? 'a trusted document: the limit does not apply' : c.enforced ? 'enforced' : '';
    return section('Estimated cost', h('div', { 'data-waterfall': 'cost' }, text + (note ? ' · ' + note : '')));
  }

  function WaterfallPanel(props) {
    var last = useLastResponse();
    var body;
    if (last.diagnostics) {
      var d = last.diagnostics;
      body = [h('div', { key: 's' }, summary(d)), h('div', { key: 'w' }, waterfall(d)), h('div', { key: 'c' }, cacheTable(d.cache)), h('div', { key: 'k' }, cost(d.cost))];
    } else {
      var reason = last.reason ||
        (props.diagnostics ? 'The last response has no extensions.diagnostics.' : 'Diagnostics are off on this gateway (DIAGNOSTICS=false): responses carry no extensions.diagnostics.');
      body = h('div', { style: { color: MUTED } }, reason);
    }
    return h('section', { 'aria-label': 'Waterfall', className: 'storefront-waterfall', style: { fontSize: '13px', lineHeight: '18px' } },
      h('div', { className: 'graphiql-doc-explorer-title', style: { marginBottom: '8px' } }, 'Waterfall'),
      body);
  }

  function WaterfallIcon(props) {
    return h('svg', Object.assign({ width: '1em', height: '1em', viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 1.5 }, props),
      h('path', { d: 'M3 5h8M7 10h9M13 15h7M5 20h6', strokeLinecap: 'round' }));
  }

  window.StorefrontWaterfall = {
    /** The GraphiQL plugin; `options.diagnostics`: whether this gateway sends them (the page's config). */
    plugin: function (options) {
      var diagnostics = !!(options && options.diagnostics);
      return {
        title: 'Waterfall',
        icon: WaterfallIcon,
        content: function () { return h(WaterfallPanel, { diagnostics: diagnostics }); }
      };
    }
  };
})();
