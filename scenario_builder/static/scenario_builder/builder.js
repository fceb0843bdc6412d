// The scenario builder page: palette → canvas (SortableJS, forceFallback), a keyboard button
// for every drag action, settings drawn by the server's form renderer, undo/redo, autosave with
// the version it was based on, validate, publish and a server-rendered preview.
// The server checks every rule; this page only shows what it says, next to the field.
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('builder-data').textContent);
  const $ = function (id) { return document.getElementById(id); };
  const canvas = $('canvas');
  const SAVE_DELAY = 800;
  const triggers = window.GridworkTriggers;  // the trigger editor (triggers.js)
  let doc = data.document;
  let version = data.version;
  let selected = null;
  let undoStack = [], redoStack = [];
  let blockErrors = {};           // {block index: {field: Chinese message}}
  let saveTimer = null, saving = null, dirty = false, stale = false;

  const UNKNOWN = { title: '未启用的功能块', icon: 'M4 4h16v16H4z', schema: {} };
  function info(placed) { return data.blocks[placed.plugin + '.' + placed.block] || UNKNOWN; }
  function setState(text) { $('save-state').textContent = text; }
  // A problem shows in red; news (added, published) in the page's normal colour.
  function say(text, problem) {
    $('builder-message').textContent = text;
    $('builder-message').classList.toggle('is-problem', Boolean(problem));
  }
  function icon(path) {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 24 24'); svg.setAttribute('class', 'block-icon'); svg.setAttribute('aria-hidden', 'true');
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    line.setAttribute('d', path);
    svg.append(line);
    return svg;
  }

  // ---- edits and history -------------------------------------------------------------
  // Typing in one field is one step of the history, not one per key: an edit with the same
  // ``merge`` key as the last one, within MERGE_MS, joins it.
  const MERGE_MS = 1500;
  let lastMerge = null, lastMergeAt = 0;
  function edit(change, keepForm, merge) {
    const now = Date.now();
    if (!merge || merge !== lastMerge || now - lastMergeAt > MERGE_MS || !undoStack.length) {
      undoStack.push(JSON.stringify(doc));
    }
    lastMerge = merge || null; lastMergeAt = now;
    redoStack = [];
    change();
    render(keepForm);
    scheduleSave();
  }
  function travel(from, to) {
    if (!from.length) { return; }
    to.push(JSON.stringify(doc));
    lastMerge = null;
    doc = JSON.parse(from.pop());
    if (selected !== null && selected >= doc.blocks.length) { selected = doc.blocks.length ? doc.blocks.length - 1 : null; }
    $('scenario-title').value = doc.title;
    blockErrors = {}; triggers.forget();
    render(false);
    scheduleSave();
  }
  function undo() { travel(undoStack, redoStack); }
  function redo() { travel(redoStack, undoStack); }

  function addBlock(key, at) {
    const [plugin, block] = key.split('.');
    edit(function () {
      doc.blocks.splice(at, 0, { plugin: plugin, block: block, settings: {} });
      triggers.reindex(doc, function (i) { return i >= at ? i + 1 : i; });
      selected = at;
    });
  }
  function moveBlock(from, to) {
    if (to < 0 || to >= doc.blocks.length || from === to) { return; }
    edit(function () {
      doc.blocks.splice(to, 0, doc.blocks.splice(from, 1)[0]);
      const order = doc.blocks.map(function (_b, i) { return i; });
      order.splice(to, 0, order.splice(from, 1)[0]);
      triggers.reindex(doc, function (i) { return order.indexOf(i); });
      selected = to;
    });
  }
  function removeBlock(at) {
    edit(function () {
      doc.blocks.splice(at, 1);
      triggers.reindex(doc, function (i) { return i === at ? null : i > at ? i - 1 : i; });
      selected = doc.blocks.length ? Math.min(at, doc.blocks.length - 1) : null;
    });
  }

  // ---- drawing -----------------------------------------------------------------------
  function button(text, cls, label) {
    const b = document.createElement('button');
    b.type = 'button'; b.className = cls; b.textContent = text; b.setAttribute('aria-label', label);
    return b;
  }
  // A redraw while a block is being dragged (a save's answer arriving) would pull the canvas
  // from under the mouse and lose the drag: it waits for the drop.
  let dragInProgress = false, redrawAfterDrag = null;
  function render(keepForm) {
    if (dragInProgress) { redrawAfterDrag = { keepForm: redrawAfterDrag ? redrawAfterDrag.keepForm && keepForm : keepForm }; return; }
    // A redraw after a save answer must not take the focus from a keyboard user.
    const focused = canvas.contains(document.activeElement) ? document.activeElement : null;
    const refocus = focused && [Number(focused.closest('.canvas-item').dataset.index), focused.classList[0]];
    canvas.textContent = '';
    doc.blocks.forEach(function (placed, index) {
      const about = info(placed);
      const li = document.createElement('li');
      li.className = 'canvas-item' + (index === selected ? ' selected' : '') + (blockErrors[index] ? ' has-error' : '');
      li.dataset.index = index;
      const name = '「' + about.title + '」（第 ' + (index + 1) + ' 个）';
      const pick = button(about.title, 'select-block', '设置' + name);
      pick.prepend(icon(about.icon));
      pick.setAttribute('aria-pressed', index === selected ? 'true' : 'false');
      li.append(pick,
        button('上移', 'move-up secondary', '上移' + name), button('下移', 'move-down secondary', '下移' + name),
        button('移除', 'remove-block secondary', '移除' + name));
      if (blockErrors[index]) {
        const note = document.createElement('span');
        note.className = 'block-error'; note.textContent = '有需要修改的设置';
        li.append(note);
      }
      canvas.append(li);
    });
    if (refocus && canvas.children[refocus[0]]) { focusCanvas(refocus[0], refocus[1]); }
    $('canvas-empty').hidden = doc.blocks.length > 0;
    $('undo').disabled = !undoStack.length;
    $('redo').disabled = !redoStack.length;
    triggers.render();
    if (!keepForm) { drawSettings(); }
  }
  function focusCanvas(index, cls) {
    const item = canvas.children[index];
    if (!item) { document.getElementById('canvas-heading').focus(); return; }
    let target = item.querySelector('.' + cls);
    if (target.disabled) { target = item.querySelector('.select-block'); }
    target.focus();
  }

  async function post(url, body, method) {
    const response = await fetch(url, {
      method: method || 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': window.gridwork.csrfToken() },
      body: JSON.stringify(body),
    });
    let answer = null;
    try { answer = await response.json(); } catch (e) { answer = {}; }
    return { status: response.status, ok: response.ok, body: answer || {} };
  }

  async function drawSettings() {
    const form = $('settings-form');
    if (selected === null || !doc.blocks[selected]) {
      form.innerHTML = '<p class="muted">选中场景里的一个功能块，在这里设置它。</p>';
      return;
    }
    const placed = doc.blocks[selected], shown = selected;
    const answer = await post(data.form, { plugin: placed.plugin, block: placed.block,
      settings: placed.settings, errors: blockErrors[selected] || {} });
    if (shown !== selected) { return; }
    // Redrawn with the server's errors while someone types: the cursor stays in its field.
    const typing = form.contains(document.activeElement) ? document.activeElement.name : null;
    form.innerHTML = '<h3>' + info(placed).title + '</h3>' + (answer.body.html || '');
    const field = typing && form.querySelector('[name="' + typing + '"]');
    if (field) { field.focus(); if (field.setSelectionRange && field.type === 'text') { field.setSelectionRange(field.value.length, field.value.length); } }
  }

  function readSettings() {
    const placed = doc.blocks[selected], props = (info(placed).schema.properties) || {};
    const form = $('settings-form'), settings = Object.assign({}, placed.settings);
    Object.keys(props).forEach(function (name) {
      const input = form.querySelector('[name="' + name + '"]');
      if (!input) { return; }
      const kind = props[name].type;
      if (kind === 'boolean') { settings[name] = input.checked; return; }
      const text = input.value.trim();
      if (text === '') { delete settings[name]; return; }
      const number = Number(text);
      // A number field keeps what was typed when it is no number: the server names the error.
      settings[name] = (kind === 'integer' || kind === 'number') && text !== '' && !isNaN(number) ? number : text;
    });
    return settings;
  }

  // ---- saving ------------------------------------------------------------------------
  function scheduleSave() {
    if (stale) { return; }
    dirty = true;
    setState('未保存');
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, SAVE_DELAY);
  }
  async function save() {
    clearTimeout(saveTimer);
    // Wait out every save in flight, not just the first: two waiters (autosave and 发布) would
    // otherwise both resume, and the second would report "saved" while the first is still out.
    while (saving) { await saving; }
    if (!dirty || stale) { return { ok: !stale }; }
    dirty = false;
    setState('保存中…');
    saving = post(data.api, { based_on: version, document: doc }, 'PUT');
    const answer = await saving;
    saving = null;
    return saved(answer);
  }
  function saved(answer) {
    if (answer.ok) {
      version = answer.body.latest_version;
      // A field the server refused before is redrawn without its error once it is accepted.
      const hadErrors = Object.keys(blockErrors).length > 0;
      blockErrors = {}; triggers.forget();
      say('');
      setState(dirty ? '未保存' : '已保存');
      render(!hadErrors);
      refreshPreview();
      return answer;
    }
    dirty = true;
    if (answer.status === 409) {
      stale = true;
      $('stale-text').textContent = answer.body.detail;
      $('stale').hidden = false;
      setState('未保存');
      return answer;
    }
    showProblems(answer.body);
    setState('未保存');
    return answer;
  }
  function showProblems(problem) {
    blockErrors = {}; triggers.forget();
    const others = [];
    (problem.errors && problem.errors.length ? problem.errors : [{ pointer: problem.pointer, detail: problem.detail }])
      .forEach(function (error) {
        const match = /^\/document\/blocks\/(\d+)\/settings\/([^/]+)|^\/blocks\/(\d+)\/settings\/([^/]+)/.exec(error.pointer || '');
        if (!match) { if (!triggers.claim(error)) { others.push(error.detail); } return; }
        const index = Number(match[1] || match[3]);
        (blockErrors[index] = blockErrors[index] || {})[match[2] || match[4]] = error.detail;
      });
    const count = Object.keys(blockErrors).length, rules = triggers.count();
    say(others.concat(count ? ['有 ' + count + ' 个功能块的设置需要修改，请看标红的功能块。'] : [],
      rules ? ['有 ' + rules + ' 条联动规则需要修改，请看标红的规则。'] : []).join(' '), true);
    render(false);
  }

  async function reloadTheirs() {
    const response = await fetch(data.api, { credentials: 'same-origin' });
    const theirs = await response.json();
    undoStack.push(JSON.stringify(doc));   // the edits made here stay one 撤销 away
    redoStack = [];
    doc = theirs.document; version = theirs.latest_version;
    stale = false; dirty = false; blockErrors = {}; triggers.forget();
    selected = null;
    $('stale').hidden = true;
    $('scenario-title').value = doc.title;
    setState('已保存');
    say('已载入对方保存的第 ' + version + ' 版；按"撤销"可找回您刚才的修改。');
    render(false);
    refreshPreview();
  }
  async function saveCopy() {
    const copy = Object.assign({}, doc, { title: (doc.title + '（副本）').slice(0, 60) });
    const answer = await post(data.create, { org_path: data.org_path, document: copy });
    if (answer.ok) {
      dirty = false;  // the edits live on in the copy: leaving asks nothing
      window.location.href = data.edit_prefix + answer.body.id + '/edit';
      return;
    }
    say(answer.body.detail || '另存失败，请稍后再试。', true);
  }

  async function validate() {
    dirty = true;
    const answer = await save();
    if (answer.ok) { say('检查通过：没有发现问题。'); }
  }
  async function publish() {
    const org = document.querySelector('[name="publish_org"]').value, pkg = $('publish-package').value;
    if (!org || !pkg) { say('请选择发布到的组织和能看到的角色包。', true); return; }
    edit(function () {
      doc.published_to = [{ org_path: org, subtree: $('publish-subtree').checked }];
      doc.packages = [pkg];
    }, true);
    const answer = await save();
    if (!answer.ok) { return; }
    const published = await post(data.api + '/publish', {});
    if (published.ok) { say('已发布第 ' + published.body.published_version + ' 版。'); return; }
    showProblems(published.body);
  }

  let previewTimer = null;
  function refreshPreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(async function () {
      const org = document.querySelector('[name="publish_org"]').value || data.org_path;
      const answer = await post(data.preview, { blocks: doc.blocks, org_path: org, package: $('publish-package').value });
      $('preview').innerHTML = answer.body.html || '';
    }, 300);
  }

  // ---- wiring ------------------------------------------------------------------------
  canvas.addEventListener('click', function (event) {
    const b = event.target.closest('button'), item = event.target.closest('.canvas-item');
    if (!b || !item) { return; }
    const index = Number(item.dataset.index);
    if (b.classList.contains('select-block')) { selected = index; render(false); focusCanvas(index, 'select-block'); }
    if (b.classList.contains('move-up')) { moveBlock(index, index - 1); focusCanvas(Math.max(index - 1, 0), 'move-up'); }
    if (b.classList.contains('move-down')) {
      moveBlock(index, index + 1); focusCanvas(Math.min(index + 1, doc.blocks.length - 1), 'move-down');
    }
    if (b.classList.contains('remove-block')) { removeBlock(index); focusCanvas(selected === null ? -1 : selected, 'select-block'); }
  });
  // Delegated: a drag from the palette leaves a clone behind, without listeners of its own.
  document.querySelector('.builder-palette').addEventListener('click', function (event) {
    const b = event.target.closest('.add-block');
    if (!b) { return; }
    const item = b.closest('.palette-item');
    addBlock(item.dataset.key, doc.blocks.length);
    say('已添加「' + item.dataset.title + '」到场景末尾。');
    b.focus();
  });
  $('settings-form').addEventListener('input', function () {
    if (selected === null) { return; }
    const settings = readSettings();
    const at = selected;
    edit(function () { doc.blocks[at].settings = settings; }, true, 'settings-' + at);
  });
  $('settings-form').addEventListener('submit', function (event) { event.preventDefault(); });
  $('scenario-title').addEventListener('input', function (event) {
    const title = event.target.value;
    edit(function () { doc.title = title; }, true, 'title');
  });
  $('palette-search').addEventListener('input', function (event) {
    const wanted = event.target.value.trim();
    let any = false;
    document.querySelectorAll('.palette-list').forEach(function (list) {
      let shown = 0;
      list.querySelectorAll('.palette-item').forEach(function (item) {
        item.hidden = wanted !== '' && item.dataset.title.indexOf(wanted) < 0;
        if (!item.hidden) { shown += 1; }
      });
      list.hidden = list.previousElementSibling.hidden = shown === 0;
      any = any || shown > 0;
    });
    document.querySelector('.palette-none').hidden = any;
  });
  $('undo').addEventListener('click', undo);
  $('redo').addEventListener('click', redo);
  $('validate').addEventListener('click', validate);
  $('publish').addEventListener('click', publish);
  $('refresh-preview').addEventListener('click', refreshPreview);
  $('publish-package').addEventListener('change', refreshPreview);
  document.querySelector('[name="publish_org"]').addEventListener('change', refreshPreview);
  $('reload-theirs').addEventListener('click', reloadTheirs);
  $('save-copy').addEventListener('click', saveCopy);
  document.addEventListener('keydown', function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== 'z' && event.key.toLowerCase() !== 'y') { return; }
    event.preventDefault();
    if (event.shiftKey || event.key.toLowerCase() === 'y') { redo(); } else { undo(); }
  });
  window.addEventListener('beforeunload', function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ''; }
  });

  // Drags end in a state change and a redraw, never in a DOM SortableJS moved by itself.
  const dragging = { forceFallback: true, fallbackTolerance: 3, animation: 0,
    onStart: function () { dragInProgress = true; },
    onEnd: function () {
      dragInProgress = false;
      const pending = redrawAfterDrag;
      redrawAfterDrag = null;
      if (pending) { render(pending.keepForm); }
    } };
  document.querySelectorAll('.palette-list').forEach(function (list) {
    Sortable.create(list, Object.assign({ group: { name: 'blocks', pull: 'clone', put: false }, sort: false,
      filter: 'button', preventOnFilter: false }, dragging));
  });
  Sortable.create(canvas, Object.assign({ group: { name: 'blocks', pull: true, put: true },
    filter: 'button:not(.select-block)', preventOnFilter: false,
    onAdd: function (event) {
      const key = event.item.dataset.key;
      event.item.remove();
      addBlock(key, event.newIndex);
    },
    onUpdate: function (event) { moveBlock(event.oldIndex, event.newIndex); },
  }, dragging));
  Sortable.create($('trash'), Object.assign({
    group: { name: 'blocks', pull: false, put: function (_to, from) { return from.el === canvas; } },
    sort: false,
    onAdd: function (event) {
      const index = Number(event.item.dataset.index);
      event.item.remove();
      removeBlock(index);
    },
  }, dragging));

  triggers.attach({ doc: function () { return doc; }, edit: edit, info: info });
  render(false);
  performance.mark('builder-ready');  // the canvas is drawn and sortable (bench/builder_page.py)
  refreshPreview();
}());
