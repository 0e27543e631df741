// popfind serve: what the page does with JavaScript. Without it the page
// works with plain forms and links; with it, checks and the copy for the
// ticket happen in place. Text is only ever set with textContent, never
// parsed as HTML, and requests go to this server alone (the CSP's
// connect-src 'self').
(function () {
  'use strict';

  var body = document.body;

  // msg is a message of the page's catalogue, given as data-msg-NAME on
  // <body>; fmt puts args in place of its %s.
  function msg(name) {
    return body.getAttribute('data-msg-' + name) || '';
  }
  function fmt(template) {
    var args = Array.prototype.slice.call(arguments, 1);
    var i = 0;
    return template.replace(/%s/g, function () {
      return i < args.length ? String(args[i++]) : '';
    });
  }
  function add(parent, tag, className, text) {
    var el = document.createElement(tag);
    if (className) {
      el.className = className;
    }
    if (text !== undefined) {
      el.textContent = text;
    }
    parent.appendChild(el);
    return el;
  }
  function sleep(ms) {
    return new Promise(function (resolve) {
      setTimeout(resolve, ms);
    });
  }

  // ---- Live checks -------------------------------------------------------

  // verify asks /api/v1/verify about a server (an element with data-host,
  // data-protocol, data-port and data-mode). Past the rate limit it waits
  // as Retry-After says, a few times. It resolves to {status, data}.
  async function verify(server) {
    var q = new URLSearchParams({
      host: server.dataset.host,
      protocol: server.dataset.protocol,
      port: server.dataset.port,
      mode: server.dataset.mode,
      lang: body.dataset.lang || 'en'
    });
    for (var attempt = 0; ; attempt++) {
      var resp = await fetch('/api/v1/verify?' + q.toString(), {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store'
      });
      if ((resp.status === 429 || resp.status === 503) && attempt < 3) {
        var wait = parseInt(resp.headers.get('Retry-After') || '1', 10);
        await sleep(Math.min(Math.max(wait, 1), 10) * 1000);
        continue;
      }
      var data = null;
      try {
        data = await resp.json();
      } catch (e) {
        data = null;
      }
      return { status: resp.status, data: data };
    }
  }

  // show writes a check's outcome into the server's .check-result: the
  // verdict and the diagnosis in plain words, the hint, the warnings, and
  // each step with ✓ or ✗.
  function show(server, result) {
    var out = server.querySelector('.check-result');
    if (!out) {
      return;
    }
    out.textContent = '';
    out.classList.remove('pending', 'ok', 'fail');
    var colon = msg('colon');
    var data = result.data;
    if (result.status !== 200 || !data || typeof data.ok !== 'boolean') {
      out.classList.add('fail');
      var why = (data && data.error) || (result.status ? 'HTTP ' + result.status : msg('no-answer'));
      add(out, 'p', 'verdict', '✗ ' + fmt(msg('check-failed'), why));
      return;
    }
    out.classList.add(data.ok ? 'ok' : 'fail');
    var verdict = data.ok ? server.dataset.passed : server.dataset.failed + colon + (data.error || '');
    add(out, 'p', 'verdict', (data.ok ? '✓ ' : '✗ ') + verdict);
    if (!data.ok && data.hint) {
      add(out, 'p', 'hint', msg('hint') + colon + data.hint);
    }
    (data.warnings || []).forEach(function (w) {
      add(out, 'p', 'warning', msg('warning') + colon + w);
    });
    if (data.steps && data.steps.length) {
      var list = add(out, 'ul', 'steps');
      data.steps.forEach(function (s) {
        var li = add(list, 'li', s.ok ? 'ok' : 'fail');
        var mark = add(li, 'span', 'mark', s.ok ? '✓' : '✗');
        mark.setAttribute('aria-hidden', 'true');
        li.appendChild(document.createTextNode(' ' + s.step + ' '));
        add(li, 'span', 'ms', fmt(msg('ms'), s.ms));
      });
    }
  }

  async function check(server) {
    var out = server.querySelector('.check-result');
    if (out) {
      out.textContent = '';
      out.classList.remove('ok', 'fail');
      out.classList.add('pending');
      add(out, 'p', 'verdict', msg('checking'));
    }
    server.setAttribute('aria-busy', 'true');
    try {
      show(server, await verify(server));
    } catch (e) {
      show(server, { status: 0, data: null });
    } finally {
      server.removeAttribute('aria-busy');
    }
  }

  // checkAll checks every server shown, two at a time: the page is one
  // client of the server's rate limit.
  async function checkAll(button) {
    var servers = Array.prototype.slice.call(document.querySelectorAll('#result .server[data-checkable]'));
    button.disabled = true;
    var next = 0;
    async function worker() {
      while (next < servers.length) {
        await check(servers[next++]);
      }
    }
    try {
      await Promise.all([worker(), worker()]);
    } finally {
      button.disabled = false;
    }
  }

  var all = document.getElementById('check-all');
  if (all) {
    all.hidden = false;
    all.addEventListener('click', function () {
      checkAll(all);
    });
  }
  // A server's own check link checks it in place; a click that opens a
  // new tab or window still goes to the check page.
  document.querySelectorAll('#result a.check-link').forEach(function (a) {
    a.addEventListener('click', function (ev) {
      if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) {
        return;
      }
      var server = a.closest('.server');
      if (!server) {
        return;
      }
      ev.preventDefault();
      check(server);
    });
  });

  // ---- Copy for the ticket -------------------------------------------------

  var ticket = document.getElementById('ticket');
  var copy = document.getElementById('copy');
  var status = document.getElementById('copy-status');

  function selectTicket() {
    var range = document.createRange();
    range.selectNodeContents(ticket);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }
  // copyBySelection copies the selected ticket the old way, for a page
  // served over plain HTTP beyond loopback, where there is no
  // navigator.clipboard.
  function copyBySelection() {
    selectTicket();
    var ok = false;
    try {
      ok = document.execCommand('copy');
    } catch (e) {
      ok = false;
    }
    status.textContent = ok ? msg('copied') : msg('copy-select');
  }

  if (ticket && copy && status) {
    copy.hidden = false;
    copy.addEventListener('click', function () {
      var text = ticket.textContent;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () {
          status.textContent = msg('copied');
        }, copyBySelection);
      } else {
        copyBySelection();
      }
    });
  }
})();
