"""The graph and its engines: loading, rules, stored queries, results, on-disk and remote stores."""
