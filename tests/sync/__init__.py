"""Tests of replication: syncd and the central, over real processes, sockets and databases."""
