"""`kzgraph serve`: the web application, the SPARQL protocol and the query workers."""
