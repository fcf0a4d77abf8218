# tests/host: rules come here
