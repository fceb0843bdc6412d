// The token page: list, create and revoke the signed-in user's API tokens.
(function () {
  const table = document.getElementById('token-list');
  const form = document.getElementById('token-form');
  const created = document.getElementById('token-created');

  // Each cell says what it is (data-label): on a phone the table shows one card per token.
  const labels = Array.from(table.querySelectorAll('thead th')).map(function (th) { return th.textContent; });
  function cell(text, column) {
    const td = document.createElement('td');
    td.textContent = text || '—';
    if (column === 0) { td.className = 'primary'; } else if (labels[column]) { td.dataset.label = labels[column]; }
    return td;
  }
  const time = window.gridwork.localTime;

  async function refresh() {
    const data = await window.gridwork.api('GET', table.dataset.api);
    const body = table.querySelector('tbody');
    body.replaceChildren();
    if (!data.items.length) {
      const empty = cell('还没有令牌。', 0);
      empty.colSpan = labels.length;
      body.append(document.createElement('tr'));
      body.lastChild.append(empty);
    }
    data.items.forEach(function (token) {
      const row = document.createElement('tr');
      row.append(cell(token.name, 0), cell(time(token.created_at), 1), cell(time(token.last_used_at), 2),
                 cell(token.revoked_at ? '已收回' : '有效', 3));
      const action = document.createElement('td');
      if (!token.revoked_at) {
        const button = document.createElement('button');
        button.className = 'danger';
        button.textContent = '收回';
        button.onclick = async function () { await window.gridwork.api('DELETE', table.dataset.api + '/' + token.id); refresh(); };
        action.append(button);
      }
      row.append(action);
      body.append(row);
    });
  }

  form.addEventListener('submit', async function (event) {
    event.preventDefault();
    try {
      const data = await window.gridwork.api('POST', form.dataset.api, { name: form.elements.name.value });
      created.textContent = '新令牌（只显示这一次）：' + data.token;
      created.hidden = false;
      form.reset();
      refresh();
    } catch (error) { created.textContent = error.message; created.hidden = false; }
  });
  refresh();
})();
