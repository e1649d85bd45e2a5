/* The search page: pagefind's modular UI (4 KB, against 30 KB for its full UI) on the page's own
   form, started with the ?q= the search box on every page sent. */
(function () {
  "use strict";
  var input = document.getElementById("tu-khoa");
  var status = document.getElementById("so-ket-qua");
  var root = new URL("../", location.href).pathname;  // the site root, wherever it is hosted
  var search = new PagefindModularUI.Instance({ bundlePath: root + "pagefind/", baseUrl: root });
  search.add(new PagefindModularUI.Input({ inputElement: "#tu-khoa" }));
  search.add(new PagefindModularUI.ResultList({ containerElement: "#ket-qua" }));
  search.on("results", function (found) {
    var term = input.value.trim();
    status.textContent = term ? found.results.length + " kết quả cho “" + term + "”" : "";
  });
  var query = new URLSearchParams(location.search).get("q");
  if (query) {
    input.value = query;
    search.triggerSearch(query);
  }
})();
