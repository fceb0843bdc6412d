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
};
