"""newsdesk on a Ray cluster: documents read and chunked, and chunks embedded, with
Ray Data; the index written as shards with the collection's BM25 statistics; each
shard served by a Ray actor. Ray is an optional extra (`pip install -e '.[ray]'`) and
is imported only here, only when a cluster is asked for."""
