// Records that survive a lost signal (信号断了，填的不丢). A <form method="post" data-offline="…">
// with a hidden client_key is sent with fetch; when the network (or the server) is gone the whole
// record — fields and photo files — waits in IndexedDB on the phone and is resent when the
// connection returns (the `online` event, the next page load, every 30 s). The server stores a
// client_key once, so a resend after a lost answer cannot make a second record. Typed text is
// also kept as a draft while the person types, so a reload or a dead battery loses nothing.
(function () {
  const DB_NAME = 'gridwork-offline';
  const STORE = 'outbox';
  const RETRY_MS = 30000;
  const status = document.getElementById('offline-status');

  function newKey() {
    // crypto.randomUUID exists only on https; getRandomValues works on a plain-http LAN too.
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  }

  function openStore() {
    return new Promise(function (resolve, reject) {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { keyPath: 'key' }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  async function withStore(mode, work) {
    const db = await openStore();
    return new Promise(function (resolve, reject) {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = function () { resolve(result.result); };
      tx.onerror = function () { reject(tx.error); };
    });
  }

  const outbox = {
    put: function (item) { return withStore('readwrite', function (s) { return s.put(item); }); },
    remove: function (key) { return withStore('readwrite', function (s) { return s.delete(key); }); },
    all: function () { return withStore('readonly', function (s) { return s.getAll(); }); },
  };

  function show(text, kind) {
    if (!status) { return; }
    status.textContent = text;
    status.className = 'flash offline ' + (kind || '');
    status.hidden = !text;
  }

  async function showWaiting(extra) {
    const waiting = (await outbox.all()).length;
    const line = waiting ? '有 ' + waiting + ' 条记录保存在本机，联网后自动发送。' : '';
    show([extra, line].filter(Boolean).join(' '), waiting ? 'waiting' : 'ok');
  }

  // The page's own token is current even when the queued record was typed in an older session.
  function withCurrentToken(entries) {
    const data = new FormData();
    entries.forEach(function (pair) {
      data.append(pair[0], pair[0] === 'csrf_token' ? window.gridwork.csrfToken() : pair[1]);
    });
    return data;
  }

  // 'sent' (stored, or refused for good with an answer the person must read), or 'later'.
  async function send(url, entries) {
    let response;
    try {
      response = await fetch(url, { method: 'POST', body: withCurrentToken(entries), credentials: 'same-origin' });
    } catch (lost) {
      return { outcome: 'later' };
    }
    const signedOut = response.redirected && new URL(response.url).pathname.startsWith('/login');
    if (signedOut || response.status >= 500 || response.status === 429) { return { outcome: 'later' }; }
    return { outcome: 'sent', response: response };
  }

  let flushing = false;
  async function flush() {
    if (flushing) { return; }
    flushing = true;
    try {
      let sent = 0, refused = 0;
      const waiting = await outbox.all();
      if (!waiting.length) { return; }  // nothing to say: leave the page's own message standing
      for (const item of waiting) {
        const result = await send(item.url, item.entries);
        if (result.outcome === 'later') { break; }
        await outbox.remove(item.key);
        if (result.response.ok) { sent += 1; } else { refused += 1; }
      }
      const done = sent ? '已发送 ' + sent + ' 条离线记录。' : '';
      const bad = refused ? refused + ' 条离线记录未通过检查，请重新填写。' : '';
      await showWaiting([done, bad].filter(Boolean).join(' '));
    } finally {
      flushing = false;
    }
  }

  function draftKey(form) { return 'gridwork-draft:' + form.dataset.offline + ':' + location.pathname; }

  function saveDraft(form) {
    const fields = {};
    new FormData(form).forEach(function (value, name) {
      if (typeof value !== 'string' || name === 'csrf_token') { return; }
      (fields[name] = fields[name] || []).push(value);
    });
    localStorage.setItem(draftKey(form), JSON.stringify(fields));
  }

  function restoreDraft(form) {
    const saved = localStorage.getItem(draftKey(form));
    if (!saved) { return false; }
    const fields = JSON.parse(saved);
    Array.from(form.elements).forEach(function (element) {
      const values = fields[element.name];
      if (!values || element.type === 'file' || element.name === 'csrf_token') { return; }
      if (element.type === 'checkbox' || element.type === 'radio') {
        element.checked = values.includes(element.value);
      } else {
        element.value = values[0];
      }
    });
    return true;
  }

  function startOver(form) {
    localStorage.removeItem(draftKey(form));
    form.reset();
    form.elements.client_key.value = newKey();
  }

  async function submitted(event) {
    const form = event.target;
    event.preventDefault();
    const entries = Array.from(new FormData(form, event.submitter).entries());
    const result = await send(form.action, entries);
    if (result.outcome === 'later') {
      await outbox.put({ key: form.elements.client_key.value, url: form.action, entries: entries, savedAt: Date.now() });
      startOver(form);
      await showWaiting('网络不通：这条记录已保存在本机。');
      window.scrollTo(0, 0);
      return;
    }
    localStorage.removeItem(draftKey(form));
    if (result.response.redirected) { location.assign(result.response.url); return; }
    // An answer to read (e.g. a field to correct): show it as a normal form post would.
    const page = await result.response.text();
    document.open();
    document.write(page);
    document.close();
  }

  document.querySelectorAll('form[data-offline]').forEach(function (form) {
    if (!form.elements.client_key) { return; }
    if (restoreDraft(form)) { show('已恢复上次未发送的填写内容。', 'waiting'); }
    if (!form.elements.client_key.value) { form.elements.client_key.value = newKey(); }
    form.addEventListener('input', function () { saveDraft(form); });
    form.addEventListener('change', function () { saveDraft(form); });
    form.addEventListener('submit', submitted);
  });

  // A form answer drawn with document.write runs this file again in the same window: keep one
  // timer and one listener, or two flushes could race over the same outbox.
  window.removeEventListener('online', window.gridworkOfflineFlush);
  clearInterval(window.gridworkOfflineTimer);
  window.gridworkOfflineFlush = flush;
  window.addEventListener('online', flush);
  window.gridworkOfflineTimer = setInterval(flush, RETRY_MS);
  flush();
})();
