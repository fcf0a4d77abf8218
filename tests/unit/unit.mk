# tests/unit: rules come here
