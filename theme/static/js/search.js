/* The search page. A team code (01786-007, 01786007 or 01786 007) is looked up in its commune's team
   codes file, a few KB (scripts/outputs/search.py): that team, first and alone, with no pagefind download.
   Anything else goes to pagefind's own API (pagefind.js), ten results at a time. Results are titled with
   the page's title meta (a team's carries its commune); a team's line gives its code and latest
   allocation, a commune's its code: the excerpt would show the hidden unaccented copy those pages hold
   for accent-free search. Every text from the index is set as text; only pagefind's <mark> is kept. */
(function () {
  "use strict";
  var form = document.querySelector(".search-page-form");
  var input = document.getElementById("tu-khoa");
  var status = document.getElementById("so-ket-qua");
  var list = document.getElementById("ket-qua");
  var more = document.getElementById("xem-them");
  var root = new URL("../", location.href).pathname;  // the site root, wherever it is hosted
  var codesDir = form.getAttribute("data-team-codes");
  var TEAM_CODE = /^\s*(\d{5})[\s\-–.]*(\d{3})\s*$/;
  var PARTIAL_CODE = /^\s*\d[\d\s\-–.]*$/;  // digits still being typed: searched on Enter only
  var PAGE_SIZE = 10;
  var pagefind = null;
  var codeFiles = {};
  var latest = 0;  // the newest search; answers to older ones are dropped
  var pending = [];  // pagefind results not shown yet
  var timer = 0;

  function loadPagefind() {
    if (!pagefind) {
      // No worker: on this small index it was one more file and round trip before the first result.
      pagefind = import(root + "pagefind/pagefind.js").then(function (module) {
        return module.options({ baseUrl: root, excerptLength: 24, noWorker: true }).then(function () {
          module.init();
          return module;
        });
      });
    }
    return pagefind;
  }

  function teamsOf(commune) {
    if (!codeFiles[commune]) {
      codeFiles[commune] = fetch(codesDir + commune + ".json")
        .then(function (response) { return response.ok ? response.json() : {}; })
        .catch(function () { delete codeFiles[commune]; return {}; });
    }
    return codeFiles[commune];
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // pagefind's excerpt is HTML: parsed inert, and only its text and <mark>s copied.
  function excerpt(html) {
    var paragraph = element("p", "search-result-excerpt");
    var parsed = new DOMParser().parseFromString(html, "text/html").body.childNodes;
    Array.prototype.forEach.call(parsed, function (node) {
      paragraph.appendChild(node.nodeName === "MARK" ? element("mark", "", node.textContent) : document.createTextNode(node.textContent));
    });
    return paragraph;
  }

  function allocation(team) {
    return "Kinh phí năm " + team.year + ": " + team.amount;
  }

  // A team's code, and below it its latest allocation: set now, or when its commune's file arrives
  // (its line is kept, empty, so nothing moves when it does).
  function teamLines(code, team) {
    var lines = element("p", "search-result-meta");
    var amount = element("span", "search-result-amount", team ? allocation(team) : "");
    lines.appendChild(element("span", "", "Mã tổ " + code));
    lines.appendChild(amount);
    if (!team) {
      teamsOf(code.split("-")[0]).then(function (teams) {
        if (teams[code]) amount.textContent = allocation(teams[code]);
      });
    }
    return lines;
  }

  function item(title, href, details) {
    var li = element("li");
    var link = element("a", "search-result-link", title);
    link.href = href;
    li.appendChild(link);
    li.appendChild(details);
    return li;
  }

  // One pagefind result → its list item (a team's allocation read from its commune's team codes file).
  function fromPagefind(result) {
    return result.data().then(function (data) {
      var title = data.meta.title || data.url;
      if (data.meta.team) return item(title, data.url, teamLines(data.meta.team, null));
      if (data.meta.commune) return item(title, data.url, element("p", "search-result-meta", "Mã xã " + data.meta.commune));
      return item(title, data.url, excerpt(data.excerpt));
    });
  }

  // The next results, fetched together and each shown, in rank order, as soon as it and those above it are in.
  function showMore(search) {
    var items = pending.splice(0, PAGE_SIZE).map(fromPagefind);
    more.hidden = true;
    return items.reduce(function (shown, next) {
      return shown.then(function () { return next; }).then(function (li) {
        if (search === latest) list.appendChild(li);
      });
    }, Promise.resolve()).then(function () {
      if (search === latest) more.hidden = pending.length === 0;
    });
  }

  function say(text) {
    status.textContent = text;
  }

  function byWords(search, term) {
    return loadPagefind().then(function (module) { return module.search(term); }).then(function (found) {
      if (search !== latest) return;
      list.textContent = "";
      pending = found.results.slice();
      say(found.results.length ? found.results.length + " kết quả cho “" + term + "”" : "Không tìm thấy kết quả nào cho “" + term + "”.");
      return showMore(search);
    });
  }

  function byCode(search, term, match) {
    var code = match[1] + "-" + match[2];
    return teamsOf(match[1]).then(function (teams) {
      if (search !== latest) return;
      var team = teams[code];
      if (!team) return byWords(search, term);
      pending = [];
      more.hidden = true;
      list.textContent = "";
      list.appendChild(item(team.name + " — " + team.commune, root + team.url, teamLines(code, team)));
      say("1 kết quả cho mã tổ “" + code + "”");
    });
  }

  function run(term) {
    var search = ++latest;
    term = term.trim();
    history.replaceState(null, "", term ? "?" + new URLSearchParams({ q: term }) : location.pathname);  // as the form sends it
    if (!term) {
      list.textContent = "";
      more.hidden = true;
      say("");
      return;
    }
    say("Đang tìm…");
    var match = TEAM_CODE.exec(term);
    (match ? byCode(search, term, match) : byWords(search, term)).catch(function () {
      if (search === latest) say("Không tìm được: hãy kiểm tra kết nối mạng rồi thử lại.");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run(input.value);
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var term = input.value;
    if (TEAM_CODE.test(term)) {
      run(term);
    } else if (!PARTIAL_CODE.test(term)) {
      if (term.trim()) loadPagefind();  // from the first letter: the index loads while the rest is typed
      timer = setTimeout(run, 300, term);
    }
  });
  more.addEventListener("click", function () { showMore(latest); });

  var query = new URLSearchParams(location.search).get("q");
  if (query) {
    input.value = query;
    run(query);
  }
})();
