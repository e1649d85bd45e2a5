/* Progressive enhancement for tables that are complete in the HTML:
   table[data-sortable] gets a sort button in every header; table[data-filterable] gets a
   filter box matching its row header (name) and other text, diacritics and đ optional. */
(function () {
  "use strict";
  var collator = new Intl.Collator("vi", { numeric: true });

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/gi, "d").toLowerCase();
  }

  // Amounts carry their raw value in data-value; other numeric columns are class="num".
  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    if (cell.hasAttribute("data-value")) return Number(cell.getAttribute("data-value"));
    return numeric ? Number(cell.textContent.replace(/\D/g, "")) : cell.textContent.trim();
  }

  function sortBy(table, headers, index, status) {
    var header = headers[index];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = header.classList.contains("num");
    rows.sort(function (a, b) {
      var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
      var order = typeof x === "number" ? x - y : collator.compare(x, y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var name = header.textContent.replace(/\s+/g, " ").trim();
    status.textContent = "Đã sắp xếp theo " + name + (ascending ? " tăng dần" : " giảm dần");
  }

  // The arrow is drawn by CSS in a span hidden from assistive technology, so a button's name is its
  // header's words only; each sort is announced in a live region instead.
  function addSorting(table) {
    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var status = document.createElement("p");
    status.className = "visually-hidden sort-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    var region = table.closest(".table-scroll") || table;
    region.parentNode.insertBefore(status, region.nextSibling);
    headers.forEach(function (header, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (header.firstChild) button.appendChild(header.firstChild);
      var arrow = document.createElement("span");
      arrow.className = "sort-arrow";
      arrow.setAttribute("aria-hidden", "true");
      button.appendChild(arrow);
      button.addEventListener("click", function () { sortBy(table, headers, index, status); });
      header.appendChild(button);
    });
  }

  function addFilter(table, number) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var texts = rows.map(function (row) { return fold(row.textContent); });
    var box = document.createElement("div");
    box.className = "table-filter";
    var id = "loc-bang-" + number;
    box.innerHTML = '<label for="' + id + '"></label><input type="search" id="' + id + '" autocomplete="off">' +
      '<p class="filter-count" role="status" aria-live="polite"></p>';
    box.querySelector("label").textContent = table.getAttribute("data-filter-label") || "Lọc bảng theo tên";
    var input = box.querySelector("input");
    var count = box.querySelector(".filter-count");
    input.addEventListener("input", function () {
      var query = fold(input.value.trim());
      var shown = 0;
      rows.forEach(function (row, i) {
        var match = texts[i].indexOf(query) !== -1;
        row.hidden = !match;
        if (match) shown += 1;
      });
      count.textContent = query ? "Hiện " + shown + " trên " + rows.length + " dòng" : "";
    });
    var region = table.closest(".table-scroll") || table;
    region.parentNode.insertBefore(box, region);
  }

  document.querySelectorAll("table[data-sortable]").forEach(addSorting);
  document.querySelectorAll("table[data-filterable]").forEach(addFilter);
})();
