// The kzgraph query editor: YASGUI on this server's /sparql, a picker of the stored queries,
// a graph view of CONSTRUCT and DESCRIBE results (vis-network), and nothing that calls the
// internet (the LOV and prefix.cc look-ups are replaced or off).
(function () {
  "use strict";
  const data = (id) => JSON.parse(document.getElementById(id).textContent);
  const tabs = data("kzgraph-tabs");
  const initial = data("kzgraph-initial");
  const vocabulary = data("kzgraph-vocabulary");
  const endpoint = new URL("/sparql", window.location.href).href;
  const picker = document.getElementById("stored-query");
  const LABELS = [
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
  ];
  const MAX_NODES = 400;

  // The class and property autocompleters ask lov.linkeddata.es; complete from this graph instead.
  function completeFrom(iris) {
    return function (yasqe, token) {
      const start = (token && token.autocompletionString) || "";
      return Promise.resolve(iris.filter((iri) => iri.startsWith(start)));
    };
  }
  Yasgui.Yasqe.Autocompleters.class.get = completeFrom(vocabulary.classes);
  Yasgui.Yasqe.Autocompleters.property.get = completeFrom(vocabulary.properties);
  Yasgui.Yasqe.defaults.prefixCcApi = null; // the bundled prefix list, never prefix.cc

  // Result IRIs of this graph open this server's resource pages, not the (remote) w3id.org IRI.
  const table = Yasgui.Yasr.plugins.table.prototype;
  const uriLink = table.getUriLinkFromBinding;
  table.getUriLinkFromBinding = function (binding, prefixes) {
    if (!/^https?:/i.test(binding.value)) {
      // Only http(s) IRIs become links (a javascript: or data: IRI from the data is text).
      const text = document.createElement("span");
      text.className = "iri";
      text.textContent = "<" + binding.value + ">";
      return text.outerHTML;
    }
    const html = uriLink.call(this, binding, prefixes);
    return html.replace(/href=(["'])https:\/\/w3id\.org\/kzgraph\/(id\/|ontology|dataset)/, "href=$1/$2");
  };

  const byName = new Map(tabs.map((tab) => [tab.name, tab]));
  const first = initial.sparql || (byName.get(initial.stored) || tabs[0] || { sparql: "" }).sparql;
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
    copyEndpointOnNewTab: true,
    persistenceId: null, // always start from the catalog, not from a stored session
    autoAddOnInit: false,
    populateFromUrl: false,
  });
  yasgui.addTab(true, {
    id: "editor",
    name: "Query",
    yasqe: { value: first },
    requestConfig: { endpoint: endpoint, method: "POST" },
  });

  // YASGUI's own inputs get names for screen readers (axe: label).
  function labelInputs() {
    const root = document.getElementById("yasgui");
    root.querySelectorAll(".CodeMirror textarea").forEach((t) => t.setAttribute("aria-label", "SPARQL query"));
    root.querySelectorAll("input.autocomplete").forEach((i) => i.setAttribute("aria-label", "SPARQL endpoint"));
    root.querySelectorAll(".CodeMirror-scroll").forEach((s) => s.setAttribute("tabindex", "0"));
  }
  labelInputs();
  yasgui.on("tabChange", labelInputs);

  picker.addEventListener("change", function () {
    const tab = byName.get(picker.value);
    if (!tab) return;
    yasgui.getTab().setQuery(tab.sparql);
    const url = new URL(window.location.href);
    url.search = "?stored=" + encodeURIComponent(tab.name);
    window.history.replaceState(null, "", url);
  });

  // CONSTRUCT and DESCRIBE: the same query again as N-Triples, drawn with vis-network.
  const view = document.getElementById("graph-view");
  const summary = document.getElementById("graph-view-summary");
  let network = null;
  yasgui.on("queryResponse", function (instance, tab) {
    const yasqe = tab.getYasqe();
    const form = yasqe.getQueryType();
    if (form !== "CONSTRUCT" && form !== "DESCRIBE") {
      view.hidden = true;
      return;
    }
    const body = new URLSearchParams({ query: yasqe.getValue() });
    fetch(endpoint, { method: "POST", body: body, headers: { Accept: "application/n-triples" } })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then(function (text) {
        draw(parseNTriples(text));
      })
      .catch(function () {
        view.hidden = true;
      });
  });

  const TERM = /^(<[^>]*>|_:\S+)\s+<([^>]*)>\s+(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[\w-]+|\^\^<[^>]*>)?)\s*\.\s*$/;
  function parseNTriples(text) {
    const triples = [];
    text.split("\n").forEach(function (line) {
      const match = TERM.exec(line.trim());
      if (match) triples.push([match[1], match[2], match[3]]);
    });
    return triples;
  }

  function shortName(term) {
    const iri = term.startsWith("<") ? term.slice(1, -1) : term;
    const cut = Math.max(iri.lastIndexOf("/"), iri.lastIndexOf("#"));
    return cut >= 0 && cut < iri.length - 1 ? iri.slice(cut + 1) : iri;
  }

  function unquote(literal) {
    const end = literal.lastIndexOf('"');
    return JSON.parse(literal.slice(0, end + 1));
  }

  function draw(triples) {
    const labels = new Map();
    triples.forEach(function ([s, p, o]) {
      if (LABELS.includes(p) && o.startsWith('"') && !labels.has(s)) labels.set(s, unquote(o));
    });
    const nodes = new Map();
    const edges = [];
    const node = function (term) {
      if (!nodes.has(term) && nodes.size < MAX_NODES) {
        nodes.set(term, { id: term, label: labels.get(term) || shortName(term), title: term.replace(/^<|>$/g, "") });
      }
      return nodes.has(term);
    };
    triples.forEach(function ([s, p, o]) {
      if (o.startsWith('"')) {
        node(s);
      } else if (node(s) && node(o)) {
        edges.push({ from: s, to: o, label: shortName("<" + p + ">"), arrows: "to", font: { size: 10 } });
      }
    });
    summary.textContent =
      triples.length + " triples, " + nodes.size + " resources" + (nodes.size >= MAX_NODES ? " (first " + MAX_NODES + " drawn)" : "") + ".";
    view.hidden = false;
    const content = { nodes: new vis.DataSet(Array.from(nodes.values())), edges: new vis.DataSet(edges) };
    const options = { physics: { stabilization: { iterations: 150 } }, nodes: { shape: "dot", size: 10 } };
    if (network) network.destroy();
    network = new vis.Network(document.getElementById("graph-canvas"), content, options);
    window.kzgraphGraphView = { nodes: nodes.size, edges: edges.length };
  }

  window.kzgraphYasgui = yasgui;
})();
