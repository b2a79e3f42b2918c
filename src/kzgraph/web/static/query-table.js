// Stored-query pages: sort a result table by a column (click its heading; again to reverse) and
// copy the curl command. Without JavaScript the table reads as it came, in the query's order.
(function () {
  "use strict";
  function compare(a, b, numeric) {
    if (numeric) {
      const x = parseFloat(a), y = parseFloat(b);
      if (!isNaN(x) && !isNaN(y)) return x - y;
      if (isNaN(x) !== isNaN(y)) return isNaN(x) ? 1 : -1; // empty cells last
    }
    return a.localeCompare(b, undefined, { numeric: true });
  }

  function makeSortable(table) {
    const headings = Array.from(table.tHead.rows[0].cells);
    const body = table.tBodies[0];
    headings.forEach(function (th, column) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        const rows = Array.from(body.rows);
        const numeric = rows.some((row) => row.cells[column].classList.contains("number"));
        rows.sort(function (r1, r2) {
          const a = r1.cells[column].dataset.sort, b = r2.cells[column].dataset.sort;
          return (ascending ? 1 : -1) * compare(a, b, numeric);
        });
        rows.forEach((row) => body.appendChild(row));
        headings.forEach((other) => other.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      });
    });
  }

  document.querySelectorAll("table.sortable").forEach(makeSortable);
  document.querySelectorAll("button.copy[data-copy-from]").forEach(function (button) {
    const source = document.getElementById(button.dataset.copyFrom);
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent).then(function () {
        button.textContent = "Copied";
      });
    });
  });
})();
