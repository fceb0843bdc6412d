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
  const form = window.GridworkTriggerForm;
  const $ = function (id) { return document.getElementById(id); };
  let page = null;        // {doc(), edit(change, keepForm), info(placed)} from builder.js
  let problems = {};      // {trigger index: [the server's Chinese details]}
  let editing = null;     // the index of the trigger in the form, or null for a new one
  let menusFor = null;    // the canvas the menus were drawn for

  function triggers() { return page.doc().triggers || []; }
  function eventOf(trigger) {
    const about = form.blockAt(trigger.when.block);
    return about && (about.emits || []).find(function (e) { return e.name === trigger.when.event; });
  }
  function actionOf(trigger) {
    const about = form.blockAt(trigger.then.block);
    return about && (about.actions || []).find(function (a) { return a.name === trigger.then.action; });
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
    let words = '当' + form.named(trigger.when.block) + '「' + event.title + '」发生';
    const condition = trigger.if, tested = condition && form.fieldOf(event, condition.field);
    if (tested) {
      words += '，且「' + tested.title + '」' + form.OPS[condition.op] + '「' + worded(condition.value, tested) + '」';
    }
    const inputs = action.fields.map(function (input) {
      const source = (trigger.then.mapping || {})[input.name], values = trigger.then.values || {};
      if (source) { return input.title + '取事件的「' + (form.fieldOf(event, source) || { title: '?' }).title + '」'; }
      return input.name in values ? input.title + '为「' + worded(values[input.name], input) + '」' : null;
    }).filter(Boolean);
    return words + '，就让' + form.named(trigger.then.block) + '「' + action.title + '」' +
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
    if (editing !== null && editing >= triggers().length) { resetForm(); } else if (shape !== menusFor) { form.drawWhen(); }
    menusFor = shape;
  }

  // ---- editing -----------------------------------------------------------------------
  function saveTrigger() {
    let trigger;
    try { trigger = form.read(); } catch (problem) { $('trigger-form-error').textContent = problem.message; return; }
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
    if (editing !== null && editing > at) {  // the rule being edited moved up one place
      editing -= 1;
      $('trigger-form-title').textContent = '修改第 ' + (editing + 1) + ' 条联动规则';
    }
    $('triggers-heading').focus();
  }
  function startEditing(at) {
    const trigger = triggers()[at];
    editing = at;
    $('trigger-form-title').textContent = '修改第 ' + (at + 1) + ' 条联动规则';
    $('trigger-save').textContent = '保存修改';
    $('trigger-cancel').hidden = false;
    $('trigger-form-error').textContent = '';
    form.drawWhen(trigger.when.block + ':' + trigger.when.event);
    const inputs = {};
    Object.entries(trigger.then.mapping || {}).forEach(function (pair) { inputs[pair[0]] = 'from:' + pair[1]; });
    Object.entries(trigger.then.values || {}).forEach(function (pair) { inputs[pair[0]] = 'fixed'; inputs['fixed:' + pair[0]] = pair[1]; });
    form.drawAfterWhen({ field: trigger.if ? trigger.if.field : '', op: trigger.if && trigger.if.op,
      value: trigger.if && trigger.if.value, then: trigger.then.block + ':' + trigger.then.action, inputs: inputs });
    $('trigger-when').focus();
  }
  function resetForm() {
    editing = null;
    $('trigger-form-title').textContent = '添加联动规则';
    $('trigger-save').textContent = '添加规则';
    $('trigger-cancel').hidden = true;
    $('trigger-form-error').textContent = '';
    form.drawWhen('');
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
    form.use(hooks);
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
