// The kzgraph query page: YASGUI on this server's /sparql, one tab per stored query, and
// nothing that calls the internet (the LOV and prefix.cc look-ups are replaced or off).
(function () {
  "use strict";
  const tabs = JSON.parse(document.getElementById("kzgraph-tabs").textContent);
  const vocabulary = JSON.parse(document.getElementById("kzgraph-vocabulary").textContent);
  const endpoint = new URL("/sparql", window.location.href).href;

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

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }], keys: [] },
    copyEndpointOnNewTab: true,
    persistenceId: null, // always start from the catalog, not from a stored session
    autoAddOnInit: false,
    populateFromUrl: false,
  });
  tabs.forEach((tab, index) => {
    yasgui.addTab(index === 0, {
      id: "query-" + tab.name,
      name: tab.title,
      yasqe: { value: tab.sparql },
      requestConfig: { endpoint: endpoint, method: "POST" },
    });
  });
  window.kzgraphYasgui = yasgui;
})();
