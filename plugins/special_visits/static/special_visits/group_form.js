// The group form's live preview: how many living residents the rule takes in now, asked of
// /api/v1/special_visits/groups/preview whenever a condition changes (the form works without it).
(function () {
  "use strict";
  var form = document.getElementById("group-form");
  if (!form) { return; }
  var out = document.getElementById("preview-count");
  var token = document.querySelector('meta[name="csrf-token"]').content;
  var timer = null;

  function checked(name) {
    return Array.prototype.map.call(form.querySelectorAll('input[name="' + name + '"]:checked'), function (box) { return box.value; });
  }
  function number(name) {
    var input = form.elements[name];
    return input && input.value.trim() !== "" ? Number(input.value) : null;
  }
  function ask() {
    var body = { org_path: form.elements.org_path ? form.elements.org_path.value : "", tags_all: checked("tags_all"), tags_any: checked("tags_any") };
    ["min_age", "max_age"].forEach(function (name) { var value = number(name); if (value !== null) { body[name] = value; } });
    fetch(form.dataset.preview, { method: "POST", headers: { "Content-Type": "application/json", "X-CSRFToken": token }, body: JSON.stringify(body) })
      .then(function (response) { return response.json().then(function (data) { return [response.ok, data]; }); })
      .then(function (answer) {
        out.textContent = answer[0] ? "符合条件的居民：" + answer[1].count + " 人" : (answer[1].detail || "条件有误");
      })
      .catch(function () { out.textContent = "暂时无法统计人数（网络不通）"; });
  }
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 300); });
  form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(ask, 100); });
  ask();
})();
