# tests/vm: rules come here
