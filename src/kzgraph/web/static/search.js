// The home page's search box: finds organisations by any of their names as you type, from the
// name index the server serves (/search-index.json), folded as the CLI folds a label: lower
// case, guillemets as straight quotes, white space collapsed. Without JavaScript the form
// goes to /search.
(function () {
  "use strict";
  var form = document.querySelector("form.search[data-index]");
  if (!form) return;
  var box = form.querySelector("input[name=q]");
  var list = document.getElementById("search-results");
  var index = null;
  var MAX = 12;

  function fold(text) {
    return text.replace(/[«»]/g, '"').toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }
  function find(query) {
    var key = fold(query);
    if (!key) return [];
    var ranked = [];
    index.forEach(function (entry) {
      var rank = null;
      entry.keys.forEach(function (k) {
        if (k.indexOf(key) < 0) return;
        var r = k === key ? 0 : k.indexOf(key) === 0 ? 1 : 2;
        if (rank === null || r < rank) rank = r;
      });
      if (rank !== null) ranked.push({ rank: rank, entry: entry });
    });
    ranked.sort(function (a, b) {
      return a.rank - b.rank || a.entry.label.localeCompare(b.entry.label);
    });
    return ranked.map(function (r) { return r.entry; });
  }
  function show() {
    list.textContent = "";
    if (!index) return;
    var found = find(box.value);
    found.slice(0, MAX).forEach(function (entry) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = entry.href;
      a.textContent = entry.label;
      li.appendChild(a);
      var about = document.createElement("span");
      about.className = "muted";
      about.textContent = " " + entry.kind + (entry.years ? ", " + entry.years : "");
      li.appendChild(about);
      list.appendChild(li);
    });
    if (found.length > MAX) {
      var more = document.createElement("li");
      more.className = "muted";
      more.textContent = "… " + (found.length - MAX) + " more: press Enter for all";
      list.appendChild(more);
    }
  }
  fetch(form.getAttribute("data-index"))
    .then(function (response) { return response.json(); })
    .then(function (data) { index = data; show(); })
    .catch(function () { list.textContent = ""; });  // the form still searches on the server
  box.addEventListener("input", show);
})();
