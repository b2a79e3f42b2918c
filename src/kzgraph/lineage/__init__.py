"""Party lineage: the model read from the graph, its time layout and the interactive page."""
