// Shared helpers for pages that call the JSON API: CSRF header and problem+json errors.
window.gridwork = {
  csrfToken: function () { return document.querySelector('meta[name="csrf-token"]').content; },
  api: async function (method, url, body) {
    const response = await fetch(url, {
      method: method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': window.gridwork.csrfToken() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = response.status === 204 ? null : await response.json();
    if (!response.ok) { throw new Error((data && data.detail) || ('请求失败：' + response.status)); }
    return data;
  },
  // An ISO time from the API as pages show times: 2026-12-02 22:22 in the deployment's zone
  // (<meta name="time-zone">, Beijing time unless configured), whatever the browser's zone.
  localTime: function (iso) {
    if (!iso) { return ''; }
    const zone = document.querySelector('meta[name="time-zone"]').content;
    const parts = {};
    new Intl.DateTimeFormat('en-GB', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(iso))
      .forEach(function (part) { parts[part.type] = part.value; });
    return parts.year + '-' + parts.month + '-' + parts.day + ' ' + parts.hour + ':' + parts.minute;
  },
};

// Node pickers with many nodes get a search box that narrows the <select> (the select alone
// works without JavaScript). Options are removed and re-added, not hidden: iOS ignores hidden options.
// A typed name that means one node picks it — the node with exactly that name, else the only one
// left — so "type 青山村, tap 查询" works on every page; several fits leave the choice to the person.
document.querySelectorAll('.node-picker[data-searchable]').forEach(function (picker) {
  const select = picker.querySelector('select');
  const all = Array.from(select.options);
  const search = document.createElement('input');
  search.type = 'search';
  search.placeholder = '输入名称查找';
  search.setAttribute('aria-label', '按名称查找');
  search.className = 'node-search';
  picker.insertBefore(search, select);
  search.addEventListener('input', function () {
    const wanted = search.value.replace(/\s|›/g, '');
    const fits = all.filter(function (option) {
      return option.value && (option.title || option.text).replace(/\s|›/g, '').includes(wanted);
    });
    const chosen = select.value;
    select.replaceChildren(...all.filter(function (option) {
      return !option.value || option.value === chosen || !wanted || fits.includes(option);
    }));
    const named = wanted ? nodeNamed(fits, search.value.trim()) : null;
    select.value = named ? named.value : chosen;
  });
});

function nodeNamed(fits, typed) {
  const exact = fits.filter(function (option) { return option.text.trim() === typed; });
  return exact.length === 1 ? exact[0] : (fits.length === 1 ? fits[0] : null);
}
