/* Draws the communes on every map page of ban-do/ (copied there as ban-do.js by scripts/outputs/maps.py).
   Geometry and figures come from two shared JSON files so the browser caches them across pages;
   all wording and number formatting comes from Python (Babel), none is built here. */
var BanDo = (function () {
  "use strict";

  var NO_DATA = "#d9d9d9";
  // Embedded in a data page (an iframe), the map is a picture beside the table, and the table is the
  // keyboard path: the map, its shapes, zoom buttons and credits leave the tab order, and only the legend
  // (or the way back) keeps its stops. Opened on its own, through the link under every embedded map,
  // all of it is keyboard-operable: the map pans and zooms with the keys, each commune is a link.
  var embedded = window.self !== window.top;
  // Touch has no hover: the first tap on a commune shows its figures, a second tap opens its page.
  var lastPointer = "mouse";
  var armed = null;
  document.addEventListener("pointerdown", function (event) { lastPointer = event.pointerType; }, true);

  function getJSON(url) {
    return fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": HTTP " + response.status);
      return response.json();
    });
  }

  function untab(box) {
    box.querySelectorAll("a, button, input").forEach(function (node) { node.tabIndex = -1; });
  }

  function load(map, config) {
    // Credit the boundaries whether or not a tile layer is on; links leave the iframe in a new tab.
    map.attributionControl.setPrefix(
      '<a href="https://leafletjs.com" target="_blank" rel="noopener">Leaflet</a>'
    );
    map.attributionControl.addAttribution(config.attribution);
    if (embedded) {
      // After the last change to the credits: Leaflet rewrites their HTML on each one.
      untab(map.attributionControl.getContainer());
      untab(map.zoomControl.getContainer());
      map.keyboard.disable();
      map.getContainer().removeAttribute("tabindex");
    }
    map.setMaxZoom(17);
    return Promise.all([getJSON(config.geometryUrl), getJSON(config.dataUrl)])
      .then(function (results) {
        var topology = results[0];
        var object = topology.objects[config.object];
        return {
          collection: topojson.feature(topology, object),
          neighbors: topojson.neighbors(object.geometries),
          ids: object.geometries.map(function (g) { return g.id; }),
          data: results[1]
        };
      })
      .catch(function () {
        control(map, "topright", "div", "ban-do-panel ban-do-error", function (box) {
          box.setAttribute("role", "alert");
          box.textContent = config.text.failed;
        });
        return null;
      });
  }

  function el(tag, className, text, parent) {
    var node = L.DomUtil.create(tag, className || "", parent);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function control(map, position, tag, className, fill) {
    var box;
    var Panel = L.Control.extend({
      onAdd: function () {
        box = el(tag, className);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        fill(box);
        return box;
      }
    });
    new Panel({ position: position }).addTo(map);
    return box;
  }

  function tooltip(commune, data, config) {
    // A function, so the hint matches the pointer in use when the tooltip opens.
    return function () {
      var box = el("div", "ban-do-tooltip");
      if (!commune) {
        el("strong", "", config.text.no_data, box);
        return box;
      }
      el("strong", "", commune.name, box);
      data.metrics.forEach(function (metric) {
        el("div", "", metric.label + ": " + commune.text[metric.key], box);
      });
      el("div", "ban-do-hint", lastPointer === "touch" ? config.text.tap_again : config.text.open, box);
      return box;
    };
  }

  function linkTo(polygon, commune) {
    // Leaflet opens a tooltip when a shape gets focus; a tabindex makes that work in every browser.
    polygon.on("add", function () {
      var path = polygon.getElement();
      // Chromium makes an SVG shape a tab stop once it has focus listeners (Leaflet's tooltip adds them).
      if (embedded) return path.setAttribute("tabindex", "-1");
      path.setAttribute("tabindex", "0");
      if (!commune) return;
      path.setAttribute("role", "link");
      path.setAttribute("aria-label", commune.name);
      L.DomEvent.on(path, "keydown", function (event) {
        if (event.key === "Enter") open(commune);
      });
    });
    if (!commune) return;
    polygon.on("click", function () {
      if (lastPointer === "touch" && armed !== polygon) {
        armed = polygon;
        return;
      }
      open(commune);
    });
  }

  function open(commune) {
    // The map lives in an iframe: the commune page replaces the whole page, like target="_top".
    window.open(commune.url, "_top");
  }

  function classOf(value, metric) {
    var index = 0;
    while (index < metric.breaks.length && value >= metric.breaks[index]) index += 1;
    return metric.colors[index];
  }

  function province(map, config) {
    load(map, config).then(function (loaded) {
      if (!loaded) return;
      var data = loaded.data;
      var metric = data.metrics[0];
      var missing = loaded.ids.some(function (id) { return !data.communes[id]; });

      function style(feature) {
        var commune = data.communes[feature.id];
        return {
          color: "#4d4d4d", weight: 0.8, fillOpacity: 0.8,
          fillColor: commune ? classOf(commune.values[metric.key], metric) : NO_DATA
        };
      }

      var layer = L.geoJSON(loaded.collection, {
        style: style,
        onEachFeature: function (feature, polygon) {
          var commune = data.communes[feature.id];
          polygon.bindTooltip(tooltip(commune, data, config), { sticky: true });
          polygon.on("mouseover", function () { polygon.setStyle({ weight: 3, color: "#000" }); });
          polygon.on("mouseout", function () { layer.resetStyle(polygon); });
          linkTo(polygon, commune);
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds());

      var legendBox;
      control(map, "topright", "details", "ban-do-panel", function (box) {
        // Open where there is room; on a phone the legend would hide most of the map.
        box.open = map.getSize().x > 480;
        el("summary", "", config.text.legend, box);
        var fieldset = el("fieldset", "", undefined, box);
        el("legend", "", config.text.colour_by, fieldset);
        data.metrics.forEach(function (candidate, index) {
          var label = el("label", "", undefined, fieldset);
          var input = el("input", "", undefined, label);
          input.type = "radio";
          input.name = "chi-so";
          input.value = candidate.key;
          input.checked = index === 0;
          el("span", "", " " + candidate.label, label);
          L.DomEvent.on(input, "change", function () {
            metric = candidate;
            layer.setStyle(style);
            drawLegend();
          });
        });
        legendBox = el("div", "ban-do-legend", undefined, box);
        legendBox.setAttribute("aria-live", "polite");
      });

      function drawLegend() {
        legendBox.textContent = "";
        if (data.sample) el("div", "ban-do-sample", config.text.sample, legendBox);
        var list = el("ul", "", undefined, legendBox);
        list.setAttribute("aria-label", metric.label);
        metric.colors.forEach(function (color, index) {
          swatch(list, color, metric.legend[index]);
        });
        if (missing) swatch(list, NO_DATA, config.text.no_data);
      }
      drawLegend();
    });
  }

  function swatch(list, color, label) {
    var item = el("li", "", undefined, list);
    el("span", "ban-do-swatch", undefined, item).style.background = color;
    el("span", "", label, item);
  }

  function commune(map, config) {
    control(map, "topright", "div", "ban-do-panel", function (box) {
      var link = el("a", "", config.backLabel, box);
      link.href = config.backUrl;
      link.target = "_top";
    });
    load(map, config).then(function (loaded) {
      if (!loaded) return;
      var data = loaded.data;
      var index = loaded.ids.indexOf(config.code);
      var near = {};
      (loaded.neighbors[index] || []).forEach(function (i) { near[loaded.ids[i]] = true; });

      function style(feature) {
        if (feature.id === config.code) return { color: "#08306b", weight: 3, fillColor: "#2c7fb8", fillOpacity: 0.75 };
        if (near[feature.id]) return { color: "#4d4d4d", weight: 1, fillColor: "#ffffcc", fillOpacity: 0.7 };
        return { color: "#969696", weight: 0.6, fillColor: "#f0f0f0", fillOpacity: 0.5 };
      }

      var focus = [];
      var layer = L.geoJSON(loaded.collection, {
        style: style,
        onEachFeature: function (feature, polygon) {
          var figures = data.communes[feature.id];
          if (feature.id === config.code || near[feature.id]) focus.push(polygon);
          if (feature.id === config.code) {
            polygon.bindTooltip(figures.name, { permanent: true, direction: "center", className: "ban-do-label" });
            return;
          }
          polygon.bindTooltip(tooltip(figures, data, config), { sticky: true });
          polygon.on("mouseover", function () { polygon.setStyle({ weight: 3, color: "#000" }); });
          polygon.on("mouseout", function () { layer.resetStyle(polygon); });
          linkTo(polygon, figures);
        }
      }).addTo(map);
      map.fitBounds(L.featureGroup(focus).getBounds(), { padding: [8, 8] });
    });
  }

  return { province: province, commune: commune };
})();
