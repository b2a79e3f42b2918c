"""Publishing linked data: export, the dataset description, ontology docs, QuickStatements."""
