// The list's 网格 filter: the node picker's search box (core.js adds it to pickers with many
// nodes) sends what was typed as org_name, so a name typed and not picked still filters — the
// server finds its node, or says in Chinese that none or several fit. After such a refusal the
// page gives the text back (data-typed) so it can be corrected.
document.querySelectorAll('.grid-filter').forEach(function (field) {
  const search = field.querySelector('.node-search');
  if (!search) { return; }
  search.name = 'org_name';
  search.maxLength = 100;
  if (field.dataset.typed) {
    search.value = field.dataset.typed;
    search.dispatchEvent(new Event('input'));
  }
});
