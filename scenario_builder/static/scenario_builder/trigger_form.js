// The trigger editor's form (联动规则, see triggers.js): its menus, drawn from the catalogue
// builder.py gives each block (the events it emits with their payload fields, the actions it
// accepts with their input fields), offer only what fits the blocks on the canvas; read()
// turns the choices into a trigger of the document, or throws the Chinese reason it cannot.
window.GridworkTriggerForm = (function () {
  'use strict';
  const OPS = { equals: '等于', in: '属于', lt: '小于', gt: '大于' };
  const OPS_FOR = { integer: ['equals', 'gt', 'lt', 'in'], number: ['equals', 'gt', 'lt', 'in'],
    boolean: ['equals'], string: ['equals', 'in'] };
  const YES_NO = [[true, '是'], [false, '否']];
  const $ = function (id) { return document.getElementById(id); };
  let page = null;        // {doc(), edit(change, keepForm), info(placed)} from builder.js

  function blockAt(index) { const placed = page.doc().blocks[index]; return placed ? page.info(placed) : null; }
  function named(index) { return '「' + blockAt(index).title + '」（第 ' + (index + 1) + ' 个）'; }
  function fieldOf(event, name) { return event.fields.find(function (f) { return f.name === name; }); }
  function feeds(event, input) { return event.fields.filter(function (f) { return f.type === input.type; }); }

  // An action fits an event when the event can fill every input the action requires.
  function fits(event, action) {
    return action.fields.every(function (input) { return !input.required || feeds(event, input).length; });
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
  // [value, name] of the canvas actions that ``event`` can feed.
  function actionsFor(event) {
    const pairs = [];
    page.doc().blocks.forEach(function (placed, index) {
      (page.info(placed).actions || []).filter(function (a) { return fits(event, a); }).forEach(function (a) {
        pairs.push([index + ':' + a.name, named(index) + '：' + a.title]);
      });
    });
    return pairs;
  }
  // Only events some canvas action can follow are offered: the others could start nothing.
  function drawWhen(keep) {
    const pairs = [];
    page.doc().blocks.forEach(function (placed, index) {
      (page.info(placed).emits || []).filter(function (e) { return actionsFor(e).length; }).forEach(function (e) {
        pairs.push([index + ':' + e.name, named(index) + '：' + e.title]);
      });
    });
    options($('trigger-when'), pairs, pairs.length ? '请选择发生的事' : '场景里还没有能联动的功能块', keep);
    $('trigger-when').disabled = pairs.length === 0;
    drawAfterWhen(keep === undefined ? undefined : {});
  }
  function drawAfterWhen(preset) {
    const event = chosenEvent(), fields = event ? event.fields.filter(function (f) { return OPS_FOR[f.type]; }) : [];
    preset = preset || {};
    options($('trigger-field'), fields.map(function (f) { return [f.name, f.title]; }), '不设条件', preset.field);
    $('trigger-field').disabled = !event;
    drawCondition(preset);
    const pairs = event ? actionsFor(event) : [];
    options($('trigger-then'), pairs, '请选择要做的事', preset.then);
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

  function use(hooks) {
    page = hooks;
    $('trigger-when').addEventListener('change', function () { $('trigger-form-error').textContent = ''; drawAfterWhen(); });
    $('trigger-field').addEventListener('change', function () { drawCondition(); });
    $('trigger-op').addEventListener('change', function () { drawValue(fieldOf(chosenEvent(), $('trigger-field').value)); });
    $('trigger-then').addEventListener('change', function () { drawInputs(); });
    $('trigger-inputs').addEventListener('change', function (event) {
      const row = event.target.closest('.trigger-input');
      if (row && event.target === row.querySelector('select')) {
        drawFixed(row, chosenAction().fields.find(function (f) { return f.name === row.dataset.name; }));
      }
    });
  }

  return { use: use, OPS: OPS, blockAt: blockAt, named: named, fieldOf: fieldOf,
    drawWhen: drawWhen, drawAfterWhen: drawAfterWhen, read: readTrigger };
}());
