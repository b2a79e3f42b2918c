"""Elections: results read from the graph, apportionment, indices, reports and charts."""
