// The trigger editor (联动规则) of the builder page: 当 <an event a canvas block emits>
// [如果 <a payload field> <等于/属于/小于/大于> <value>] 就 <an action a canvas block accepts>,
// each input of the action taken from a payload field of the same type or given a fixed value.
// Menus offer only what fits; a trigger edit is a document edit (undo, redo, autosave) made
// through the hooks builder.js passes to attach(). The server checks every rule again.
window.GridworkTriggers = (function () {
  'use strict';
  // A block reference no canvas reaches (a scenario holds at most 60 blocks): a trigger whose
  // block was removed keeps pointing here, is shown as broken and refused by the server.
  const GONE = 1000;
  const OPS = { equals: '等于', in: '属于', lt: '小于', gt: '大于' };
  const OPS_FOR = { integer: ['equals', 'gt', 'lt', 'in'], number: ['equals', 'gt', 'lt', 'in'],
    boolean: ['equals'], string: ['equals', 'in'] };
  const YES_NO = [[true, '是'], [false, '否']];
  const $ = function (id) { return document.getElementById(id); };
  let page = null;        // {doc(), edit(change, keepForm), info(placed)} from builder.js
  let problems = {};      // {trigger index: [the server's Chinese details]}
  let editing = null;     // the index of the trigger in the form, or null for a new one
  let menusFor = null;    // the canvas the menus were drawn for

  function triggers() { return page.doc().triggers || []; }
  function blockAt(index) { const placed = page.doc().blocks[index]; return placed ? page.info(placed) : null; }
  function named(index) { return '「' + blockAt(index).title + '」（第 ' + (index + 1) + ' 个）'; }
  function eventOf(trigger) {
    const about = blockAt(trigger.when.block);
    return about && (about.emits || []).find(function (e) { return e.name === trigger.when.event; });
  }
  function actionOf(trigger) {
    const about = blockAt(trigger.then.block);
    return about && (about.actions || []).find(function (a) { return a.name === trigger.then.action; });
  }
  function fieldOf(event, name) { return event.fields.find(function (f) { return f.name === name; }); }
  function feeds(event, input) { return event.fields.filter(function (f) { return f.type === input.type; }); }
  // An action fits an event when the event can fill every input the action requires.
  function fits(event, action) {
    return action.fields.every(function (input) { return !input.required || feeds(event, input).length; });
  }

  // ---- a trigger in words ------------------------------------------------------------
  function worded(value, field) {
    if (Array.isArray(value)) { return value.map(function (v) { return worded(v, field); }).join('、'); }
    if (typeof value === 'boolean') { return value ? '是' : '否'; }
    const title = field.enum && field.enum.find(function (pair) { return pair[0] === value; });
    return title ? title[1] : String(value);
  }
  function sentence(trigger) {
    const event = eventOf(trigger), action = actionOf(trigger);
    if (!event || !action) { return null; }
    let words = '当' + named(trigger.when.block) + '「' + event.title + '」发生';
    const condition = trigger.if, tested = condition && fieldOf(event, condition.field);
    if (tested) {
      words += '，且「' + tested.title + '」' + OPS[condition.op] + '「' + worded(condition.value, tested) + '」';
    }
    const inputs = action.fields.map(function (input) {
      const source = (trigger.then.mapping || {})[input.name], values = trigger.then.values || {};
      if (source) { return input.title + '取事件的「' + (fieldOf(event, source) || { title: '?' }).title + '」'; }
      return input.name in values ? input.title + '为「' + worded(values[input.name], input) + '」' : null;
    }).filter(Boolean);
    return words + '，就让' + named(trigger.then.block) + '「' + action.title + '」' +
      (inputs.length ? '（' + inputs.join('；') + '）' : '');
  }

  // ---- the list ----------------------------------------------------------------------
  function button(text, cls, label) {
    const b = document.createElement('button');
    b.type = 'button'; b.className = cls; b.textContent = text; b.setAttribute('aria-label', label);
    return b;
  }
  function line(cls, text) { const p = document.createElement('p'); p.className = cls; p.textContent = text; return p; }
  function render() {
    if (!page) { return; }
    const list = $('trigger-list');
    const focused = list.contains(document.activeElement) ? document.activeElement.getAttribute('aria-label') : null;
    list.textContent = '';
    triggers().forEach(function (trigger, index) {
      const li = document.createElement('li'), words = sentence(trigger);
      li.className = 'trigger-item' + (words ? '' : ' is-broken') + (problems[index] ? ' has-error' : '');
      li.append(line('trigger-words', '第 ' + (index + 1) + ' 条：' + (words || '这条规则用不了。')));
      if (!words) { li.append(line('form-error', '原因：它用到的功能块已从场景中移除或未启用。请撤销移除，或编辑、删除这条规则。')); }
      (problems[index] || []).forEach(function (detail) { li.append(line('form-error', detail)); });
      li.append(button('编辑', 'edit-trigger secondary', '编辑第 ' + (index + 1) + ' 条联动规则'),
        button('删除', 'delete-trigger secondary', '删除第 ' + (index + 1) + ' 条联动规则'));
      li.dataset.index = index;
      list.append(li);
    });
    $('triggers-empty').hidden = triggers().length > 0;
    const again = focused && list.querySelector('[aria-label="' + focused + '"]');
    if (again) { again.focus(); }
    // The menus are redrawn only when the canvas changed: an autosave's answer must not wipe
    // a value being typed into the form.
    const shape = JSON.stringify(page.doc().blocks.map(function (b) { return [b.plugin, b.block]; }));
    if (editing !== null && editing >= triggers().length) { resetForm(); } else if (shape !== menusFor) { drawWhen(); }
    menusFor = shape;
  }

  // ---- the form's menus --------------------------------------------------------------
  function options(select, pairs, first, keep) {
    const before = keep === undefined ? select.value : keep;
    select.textContent = '';
    if (first) { select.append(new Option(first, '')); }
    pairs.forEach(function (pair) { select.append(new Option(pair[1], pair[0])); });
    select.value = pairs.some(function (pair) { return String(pair[0]) === String(before); }) ? before : '';
    select.disabled = pairs.length === 0 && !first;
  }
  function chosenEvent() {
    const [at, name] = $('trigger-when').value.split(':');
    const about = name && blockAt(Number(at));
    return about ? (about.emits || []).find(function (e) { return e.name === name; }) : null;
  }
  function chosenAction() {
    const [at, name] = $('trigger-then').value.split(':');
    const about = name && blockAt(Number(at));
    return about ? (about.actions || []).find(function (a) { return a.name === name; }) : null;
  }
  function drawWhen(keep) {
    const pairs = [];
    page.doc().blocks.forEach(function (placed, index) {
      (page.info(placed).emits || []).forEach(function (e) { pairs.push([index + ':' + e.name, named(index) + '：' + e.title]); });
    });
    options($('trigger-when'), pairs, pairs.length ? '请选择发生的事' : '场景里还没有会发出事件的功能块', keep);
    $('trigger-when').disabled = pairs.length === 0;
    drawAfterWhen(keep === undefined ? undefined : {});
  }
  function drawAfterWhen(preset) {
    const event = chosenEvent(), fields = event ? event.fields.filter(function (f) { return OPS_FOR[f.type]; }) : [];
    preset = preset || {};
    options($('trigger-field'), fields.map(function (f) { return [f.name, f.title]; }), '不设条件', preset.field);
    $('trigger-field').disabled = !event;
    drawCondition(preset);
    const pairs = [];
    if (event) {
      page.doc().blocks.forEach(function (placed, index) {
        (page.info(placed).actions || []).filter(function (a) { return fits(event, a); }).forEach(function (a) {
          pairs.push([index + ':' + a.name, named(index) + '：' + a.title]);
        });
      });
    }
    options($('trigger-then'), pairs, event && !pairs.length ? '场景里没有能接上这件事的动作' : '请选择要做的事', preset.then);
    $('trigger-then').disabled = !pairs.length;
    drawInputs(preset.inputs);
  }
  function drawCondition(preset) {
    const event = chosenEvent(), field = event && fieldOf(event, $('trigger-field').value);
    $('trigger-condition').hidden = !field;
    if (!field) { return; }
    options($('trigger-op'), OPS_FOR[field.type].map(function (op) { return [op, OPS[op]]; }), null, (preset || {}).op);
    if (!$('trigger-op').value) { $('trigger-op').value = 'equals'; }
    drawValue(field, (preset || {}).value);
  }
  function drawValue(field, preset) {
    const box = $('trigger-value'), many = $('trigger-op').value === 'in';
    box.textContent = '';
    box.append(valueControl(field, many, preset, 'trigger-value-input', '条件的值'));
  }
  // The control for a value of ``field``: a select of its titles for an enum or yes/no,
  // checkboxes for several enum values, else a box to type in (several: 、 between them).
  function valueControl(field, many, preset, id, label) {
    const choices = field.enum || (field.type === 'boolean' ? YES_NO : null);
    const wrap = document.createElement('div');
    wrap.className = 'trigger-value';
    if (choices && many) {
      const set = document.createElement('fieldset');
      set.id = id; set.className = 'trigger-choices';
      set.append(Object.assign(document.createElement('legend'), { textContent: label + '（可多选）' }));
      choices.forEach(function (pair, n) {
        const box = Object.assign(document.createElement('input'), { type: 'checkbox', id: id + '-' + n, value: n });
        box.checked = Array.isArray(preset) && preset.indexOf(pair[0]) >= 0;
        const tag = Object.assign(document.createElement('label'), { htmlFor: box.id, textContent: pair[1] });
        tag.prepend(box);
        set.append(tag);
      });
      wrap.append(set);
      return wrap;
    }
    const tag = Object.assign(document.createElement('label'), { htmlFor: id, textContent: label + (many ? '（多个值用、分隔）' : '') });
    let input;
    if (choices) {
      input = document.createElement('select');
      options(input, choices.map(function (pair, n) { return [n, pair[1]]; }), '请选择',
        choices.findIndex(function (pair) { return pair[0] === preset; }));
    } else {
      input = Object.assign(document.createElement('input'), { type: 'text', maxLength: 100 });
      if (!many && field.type !== 'string') { input.inputMode = 'decimal'; }
      if (preset !== undefined && preset !== null) { input.value = Array.isArray(preset) ? preset.join('、') : preset; }
    }
    input.id = id;
    wrap.append(tag, input);
    return wrap;
  }
  function drawInputs(preset) {
    const box = $('trigger-inputs'), event = chosenEvent(), action = chosenAction();
    box.textContent = '';
    if (!event || !action) { return; }
    action.fields.forEach(function (input, n) {
      const row = document.createElement('div'), id = 'trigger-input-' + n;
      row.className = 'trigger-input'; row.dataset.name = input.name;
      const tag = Object.assign(document.createElement('label'), { htmlFor: id,
        textContent: '「' + input.title + '」' + (input.required ? '（必填）' : '') + '的来源' });
      const source = document.createElement('select');
      source.id = id;
      const pairs = feeds(event, input).map(function (f) { return ['from:' + f.name, '取事件的「' + f.title + '」']; });
      pairs.push(['fixed', '固定值']);
      const given = (preset || {})[input.name];
      // A required input starts from the first field that fits; an optional one starts empty.
      const keep = given || (input.required ? pairs[0][0] : '');
      options(source, pairs, input.required ? null : '不填', keep);
      row.append(tag, source);
      row.dataset.fixed = preset && preset['fixed:' + input.name] !== undefined ? JSON.stringify(preset['fixed:' + input.name]) : '';
      box.append(row);
      drawFixed(row, input);
    });
  }
  function drawFixed(row, input) {
    const old = row.querySelector('.trigger-value');
    if (old) { old.remove(); }
    if (row.querySelector('select').value !== 'fixed') { return; }
    const preset = row.dataset.fixed ? JSON.parse(row.dataset.fixed) : undefined;
    row.append(valueControl(input, false, preset, row.querySelector('select').id + '-value', '「' + input.title + '」的固定值'));
  }

  // ---- reading the form --------------------------------------------------------------
  // A value as typed or chosen, or throws the Chinese reason it cannot be used.
  function readValue(field, id, many, what) {
    const choices = field.enum || (field.type === 'boolean' ? YES_NO : null), control = $(id);
    if (choices && many) {
      const picked = Array.from(control.querySelectorAll('input:checked')).map(function (b) { return choices[b.value][0]; });
      if (!picked.length) { throw new Error('请为' + what + '至少选一项。'); }
      return picked;
    }
    if (choices) {
      if (control.value === '') { throw new Error('请选择' + what + '。'); }
      return choices[Number(control.value)][0];
    }
    const parts = many ? control.value.split(/[、,，;；\s]+/).filter(Boolean) : [control.value.trim()];
    if (!parts.length || parts[0] === '') { throw new Error('请填写' + what + '。'); }
    const numeric = field.type === 'integer' || field.type === 'number';
    const values = parts.map(function (text) {
      const number = Number(text);
      if (numeric && (isNaN(number) || (field.type === 'integer' && !Number.isInteger(number)))) {
        throw new Error(what + '需要填写' + (field.type === 'integer' ? '整数' : '数') + '。');
      }
      return numeric ? number : text;
    });
    return many ? values : values[0];
  }
  function readTrigger() {
    const event = chosenEvent(), action = chosenAction();
    if (!event) { throw new Error('请选择「当」发生的事。'); }
    if (!action) { throw new Error('请选择「就」要做的事。'); }
    const trigger = { when: { block: Number($('trigger-when').value.split(':')[0]), event: event.name },
      then: { block: Number($('trigger-then').value.split(':')[0]), action: action.name, mapping: {} } };
    const field = fieldOf(event, $('trigger-field').value);
    if (field) {
      const op = $('trigger-op').value;
      trigger.if = { field: field.name, op: op, value: readValue(field, 'trigger-value-input', op === 'in', '条件的值') };
    }
    document.querySelectorAll('#trigger-inputs .trigger-input').forEach(function (row) {
      const input = action.fields.find(function (f) { return f.name === row.dataset.name; });
      const source = row.querySelector('select');
      if (source.value.indexOf('from:') === 0) { trigger.then.mapping[input.name] = source.value.slice(5); }
      if (source.value === 'fixed') {
        trigger.then.values = trigger.then.values || {};
        trigger.then.values[input.name] = readValue(input, source.id + '-value', false, '「' + input.title + '」的固定值');
      }
    });
    return trigger;
  }

  // ---- editing -----------------------------------------------------------------------
  function saveTrigger() {
    let trigger;
    try { trigger = readTrigger(); } catch (problem) { $('trigger-form-error').textContent = problem.message; return; }
    const at = editing === null ? triggers().length : editing;
    page.edit(function () {
      const doc = page.doc();
      doc.triggers = (doc.triggers || []).slice();
      doc.triggers.splice(at, editing === null ? 0 : 1, trigger);
      delete problems[at];
    }, true);
    resetForm();
    const item = $('trigger-list').children[at];
    if (item) { item.querySelector('.edit-trigger').focus(); }
  }
  function deleteTrigger(at) {
    page.edit(function () {
      const doc = page.doc();
      doc.triggers = doc.triggers.filter(function (_t, n) { return n !== at; });
      problems = {};
    }, true);
    if (editing === at) { resetForm(); }
    $('triggers-heading').focus();
  }
  function startEditing(at) {
    const trigger = triggers()[at];
    editing = at;
    $('trigger-form-title').textContent = '修改第 ' + (at + 1) + ' 条联动规则';
    $('trigger-save').textContent = '保存修改';
    $('trigger-cancel').hidden = false;
    $('trigger-form-error').textContent = '';
    drawWhen(trigger.when.block + ':' + trigger.when.event);
    const inputs = {};
    Object.entries(trigger.then.mapping || {}).forEach(function (pair) { inputs[pair[0]] = 'from:' + pair[1]; });
    Object.entries(trigger.then.values || {}).forEach(function (pair) { inputs[pair[0]] = 'fixed'; inputs['fixed:' + pair[0]] = pair[1]; });
    drawAfterWhen({ field: trigger.if ? trigger.if.field : '', op: trigger.if && trigger.if.op,
      value: trigger.if && trigger.if.value, then: trigger.then.block + ':' + trigger.then.action, inputs: inputs });
    $('trigger-when').focus();
  }
  function resetForm() {
    editing = null;
    $('trigger-form-title').textContent = '添加联动规则';
    $('trigger-save').textContent = '添加规则';
    $('trigger-cancel').hidden = true;
    $('trigger-form-error').textContent = '';
    drawWhen('');
  }

  // ---- hooks for builder.js ----------------------------------------------------------
  // Blocks were added, moved or removed: ``where(old index)`` is the new index, or null.
  function reindex(doc, where) {
    (doc.triggers || []).forEach(function (trigger) {
      ['when', 'then'].forEach(function (part) {
        if (trigger[part].block >= GONE) { return; }
        const moved = where(trigger[part].block);
        trigger[part].block = moved === null || moved < 0 ? GONE : moved;
      });
    });
  }
  // A server error about a trigger (/triggers/0/then/action): kept to show by that trigger.
  function claim(error) {
    const match = /^(?:\/document)?\/triggers\/(\d+)/.exec(error.pointer || '');
    if (!match) { return false; }
    (problems[match[1]] = problems[match[1]] || []).push(error.detail);
    return true;
  }
  function forget() { problems = {}; }
  function count() { return Object.keys(problems).length; }

  function attach(hooks) {
    page = hooks;
    $('trigger-when').addEventListener('change', function () { $('trigger-form-error').textContent = ''; drawAfterWhen(); });
    $('trigger-field').addEventListener('change', function () { drawCondition(); });
    $('trigger-op').addEventListener('change', function () {
      const event = chosenEvent();
      drawValue(fieldOf(event, $('trigger-field').value));
    });
    $('trigger-then').addEventListener('change', function () { drawInputs(); });
    $('trigger-inputs').addEventListener('change', function (event) {
      const row = event.target.closest('.trigger-input');
      if (row && event.target === row.querySelector('select')) {
        drawFixed(row, chosenAction().fields.find(function (f) { return f.name === row.dataset.name; }));
      }
    });
    $('trigger-save').addEventListener('click', saveTrigger);
    $('trigger-cancel').addEventListener('click', function () { resetForm(); $('trigger-when').focus(); });
    $('trigger-list').addEventListener('click', function (event) {
      const b = event.target.closest('button'), item = event.target.closest('.trigger-item');
      if (!b || !item) { return; }
      if (b.classList.contains('edit-trigger')) { startEditing(Number(item.dataset.index)); }
      if (b.classList.contains('delete-trigger')) { deleteTrigger(Number(item.dataset.index)); }
    });
    render();
  }

  return { attach: attach, render: render, reindex: reindex, claim: claim, forget: forget, count: count };
}());
