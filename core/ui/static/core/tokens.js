// The token page: list, create and revoke the signed-in user's API tokens.
(function () {
  const table = document.getElementById('token-list');
  const form = document.getElementById('token-form');
  const created = document.getElementById('token-created');

  function cell(text) { const td = document.createElement('td'); td.textContent = text || '—'; return td; }

  async function refresh() {
    const data = await window.gridwork.api('GET', table.dataset.api);
    const body = table.querySelector('tbody');
    body.replaceChildren();
    data.items.forEach(function (token) {
      const row = document.createElement('tr');
      row.append(cell(token.name), cell(token.created_at), cell(token.last_used_at),
                 cell(token.revoked_at ? '已收回' : '有效'));
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
