// Import pages: column mapping from the server's preview, and a live progress bar.
(function () {
  'use strict';
  const form = document.getElementById('import-form');
  if (form) { setUpMapping(form); }
  const job = document.getElementById('import-job');
  if (job && (job.dataset.status === 'queued' || job.dataset.status === 'running')) { follow(job); }

  function setUpMapping(form) {
    const input = form.querySelector('input[type=file]');
    const box = document.getElementById('mapping');
    const rows = document.getElementById('mapping-rows');
    const error = document.getElementById('preview-error');
    input.addEventListener('change', async function () {
      rows.textContent = ''; box.hidden = true; error.hidden = true;
      if (!input.files.length) { return; }
      const body = new FormData();
      body.append('file', input.files[0]);
      const response = await fetch(form.dataset.previewUrl, {
        method: 'POST', body: body, credentials: 'same-origin',
        headers: { 'X-CSRFToken': window.gridwork.csrfToken() } });
      const data = await response.json();
      if (!response.ok) { error.textContent = data.detail || ('预览失败：' + response.status); error.hidden = false; return; }
      data.headers.forEach(function (header) { if (header) { rows.appendChild(mappingRow(header, data)); } });
      box.hidden = false;
    });
  }

  function mappingRow(header, data) {
    const label = document.createElement('label');
    label.textContent = header + ' → ';
    const select = document.createElement('select');
    select.name = 'map:' + header;
    select.appendChild(new Option('不导入', ''));
    Object.entries(data.fields).forEach(function ([field, title]) {
      select.appendChild(new Option(title, field, false, data.mapping[header] === field));
    });
    label.appendChild(select);
    return label;
  }

  function follow(job) {
    const show = function (id, value) { document.getElementById(id).textContent = value; };
    const timer = setInterval(async function () {
      let data;
      try { data = await window.gridwork.api('GET', job.dataset.statusUrl); } catch (e) { return; }
      document.getElementById('job-progress').value = data.percent;
      show('job-percent', data.percent); show('job-processed', data.processed_rows); show('job-total', data.total_rows);
      show('job-status', data.status_title); show('job-phase', data.phase_title);
      show('job-imported', data.imported); show('job-skipped', data.already_registered); show('job-bad', data.bad_rows);
      show('job-message', data.message);
      if (data.status !== 'queued' && data.status !== 'running') { clearInterval(timer); window.location.reload(); }
    }, 500);
  }
}());
